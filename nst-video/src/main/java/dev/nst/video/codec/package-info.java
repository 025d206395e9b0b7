/**
 * Frames in and out: a folder of numbered images ({@link dev.nst.video.codec.FrameFolder}) or an
 * H.264 MP4 file through JCodec, pure Java ({@link dev.nst.video.codec.Mp4Reader},
 * {@link dev.nst.video.codec.Mp4Writer}), chosen by {@link dev.nst.video.codec.Videos}. Readers
 * stream, one frame in memory at a time, so a video of any length fits. The module README says
 * why JCodec and not FFmpeg.
 */
package dev.nst.video.codec;
