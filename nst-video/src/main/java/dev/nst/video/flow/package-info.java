/**
 * Dense optical flow between consecutive frames and what video style transfer derives from it:
 * {@link dev.nst.video.flow.Flow} (a displacement per pixel), {@link dev.nst.video.flow.TvL1Flow}
 * (coarse-to-fine TV-L1 estimation in plain Java), {@link dev.nst.video.flow.Warping} (bilinear
 * backward warping) and {@link dev.nst.video.flow.Consistency} (the
 * forward-backward and motion-boundary checks of Ruder et al. 2016 that say where a warped pixel
 * can be trusted). Images enter as grey {@link dev.nst.video.flow.Plane}s.
 */
package dev.nst.video.flow;
