/**
 * Temporally consistent style transfer for videos (Ruder, Dosovitskiy and Brox 2016, "Artistic
 * style transfer for videos") without external programs: {@link dev.nst.video.VideoStyleTransfer}
 * decodes frames, estimates the optical flow between consecutive frames
 * ({@link dev.nst.video.flow}), starts each frame from the previous result warped by the flow,
 * holds it there with a {@link dev.nst.video.TemporalLoss} masked by the flow's consistency, and
 * writes every frame as it finishes, so an interrupted run resumes where it stopped. Style targets
 * and the backend are set up once for the whole video (a {@link dev.nst.core.StyleTransferSession}).
 */
package dev.nst.video;
