/**
 * Neural style transfer on Apache Spark: {@link dev.nst.spark.SparkStyleTransfer} adds stylised
 * images to a DataFrame of images, {@link dev.nst.spark.StylizeJob} stylises a folder into another
 * with {@code spark-submit}. Settings travel as plain values ({@link dev.nst.spark.TransferSettings});
 * each executor JVM loads the model once and keeps it between tasks; outputs are renamed into
 * place, so task retries and speculative copies leave one complete file each.
 */
package dev.nst.spark;
