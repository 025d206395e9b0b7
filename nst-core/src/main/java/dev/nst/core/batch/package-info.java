/**
 * Many images at once: {@link dev.nst.core.batch.BatchStyleTransfer} stylises a folder, a list
 * file or a glob of images with one or more styles into an output folder, on a bounded pool of
 * workers that share the loaded model and the style targets, skipping outputs that already
 * exist (a rerun resumes), reporting each image's outcome in {@code batch-report.json}, and
 * letting one bad image fail alone.
 */
package dev.nst.core.batch;
