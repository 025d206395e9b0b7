# Sourced by tools/batch_throughput.sh and tools/spark_vs_batch.sh (from the repository root). Sets
# model (Darknet Tiny from ../shared, or NST_SHARED) and style, and stops the script when a jar or
# the model is missing. Then
#   batch_setup DIR COUNT SIZE
# makes COUNT test photos of SIZE px in DIR/in (from ../shared/images and examples/images, never
# committed), writes Spark's jars as a cluster has them (nst-spark's provided dependencies) to
# DIR/spark.cp, and sets SPARK_JVM_FLAGS: spark-submit's --add-opens flags for Java 17.
model="${NST_SHARED:-../shared}/models/darknet-tiny/model.json"
style=examples/images/mosaic.png
for f in nst-cli/target/nst.jar nst-spark/target/nst-spark-job.jar "$model"; do
  [[ -f $f ]] || { echo "$(basename "$0" .sh): $f is missing (./mvnw -B -q -DskipTests package; ../shared)" >&2; exit 2; }
done

batch_setup() {
  local dir=$1 count=$2 size=$3
  java tools/BatchImages.java "$dir/in" "$count" "$size" "${NST_SHARED:-../shared}"/images/*.jpg \
    examples/images/chelsea.jpg examples/images/coffee.jpg
  ./mvnw -B -o -q -pl nst-spark -am compile dependency:build-classpath -Dmdep.includeScope=provided \
    -Dmdep.outputFile="$dir/spark.cp" > /dev/null
  SPARK_JVM_FLAGS="--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
    --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
    --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
    --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
    --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
    --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED
    --add-opens=java.base/sun.util.calendar=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false"
}
