package dev.nst.spark;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.nst.api.InputConvention;
import dev.nst.api.Pooling;
import dev.nst.api.spi.Device;
import dev.nst.core.Init;
import dev.nst.core.StyleTransfer;
import dev.nst.core.color.ColorControl;
import dev.nst.core.model.ModelRegistry;
import dev.nst.core.model.format.ModelFiles;
import dev.nst.core.optim.Adam;
import dev.nst.core.optim.Lbfgs;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The settings of a transfer as plain values, so that they travel to the executors (a
 * {@link StyleTransfer} holds live objects and does not); equal settings share one cached model
 * per executor ({@link ExecutorSessions}). Built with {@link #builder()}; every setter validates
 * at once.
 *
 * @param model a registered model name ("vgg19", "darknet-tiny"...) or a model file path that every
 *     executor can read
 * @param convention the input convention of a model file ("torch", "caffe", "unit"), null for the
 *     format's usual one
 * @param size long side of the outputs in pixels
 * @param iterations iterations per image
 * @param contentWeight alpha, null for the default
 * @param styleWeight beta, null for the default
 * @param tvWeight gamma, null for the default
 * @param seed the random seed
 * @param noiseInit start from noise instead of the content image
 * @param adam optimise with Adam instead of L-BFGS
 * @param learningRate the optimiser's learning rate, null for its default
 * @param averagePooling average instead of max pooling
 * @param color colour control, a {@link ColorControl} name
 * @param styleScale style image size relative to the output
 * @param backend the backend's name, null for the best available
 * @param device "auto", "cpu" or "gpu"; a task given a GPU by Spark runs on it whatever this says
 * @param threads backend threads per task, 0 for {@code spark.task.cpus}
 * @param executorMemory the memory budget of each executor in bytes, shared by its concurrent
 *     tasks; 0 for the default, 60% of the memory the executor's JVM sees
 */
public record TransferSettings(String model, String convention, int size, int iterations, Double contentWeight,
    Double styleWeight, Double tvWeight, long seed, boolean noiseInit, boolean adam, Double learningRate,
    boolean averagePooling, String color, double styleScale, String backend, String device, int threads,
    long executorMemory) implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Checks every value. */
  public TransferSettings {
    checkNotNull(model, "model");
    checkArgument(convention == null || conventionOf(convention) != null, "unknown convention %s", convention);
    checkArgument(size >= 1, "size must be positive, got %s", size);
    checkArgument(iterations >= 1, "iterations must be >= 1, got %s", iterations);
    ColorControl.valueOf(checkNotNull(color, "color"));
    checkArgument(styleScale > 0 && Double.isFinite(styleScale), "styleScale must be positive, got %s", styleScale);
    Device.valueOf(checkNotNull(device, "device").toUpperCase(Locale.ROOT));
    checkArgument(threads >= 0, "threads must be >= 0, got %s", threads);
    checkArgument(executorMemory >= 0, "executorMemory must be >= 0 (0 = the default), got %s", executorMemory);
  }

  /**
   * Defaults as {@link StyleTransfer#builder()}'s: the default model, 512 px, 300 iterations.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * These settings on a fresh builder, for one task: its threads, device (the GPU Spark gave the
   * task, if any) and memory budget set.
   *
   * @param taskThreads backend threads when {@link #threads()} is 0
   * @param gpu the GPU address Spark assigned the task, or -1 for none
   * @param memory the task's memory budget in bytes
   * @return a builder without content and style images
   */
  StyleTransfer.Builder toBuilder(int taskThreads, int gpu, long memory) {
    StyleTransfer.Builder b = StyleTransfer.builder();
    if (ModelRegistry.builtIn().find(model).isPresent()) {
      b.model(model);
    } else {
      Path file = Path.of(model);
      b.model(file, convention == null ? ModelFiles.conventionFor(file) : conventionOf(convention));
    }
    b.size(size).iterations(iterations).seed(seed).init(noiseInit ? Init.noise() : Init.content())
        .pooling(averagePooling ? Pooling.AVERAGE : Pooling.MAX).colorControl(ColorControl.valueOf(color))
        .styleScale(styleScale);
    if (adam) {
      b.optimizer(learningRate == null ? Adam.defaults() : Adam.withLearningRate(learningRate));
    } else {
      b.optimizer(learningRate == null ? Lbfgs.defaults() : Lbfgs.defaults().withLearningRate(learningRate));
    }
    if (contentWeight != null) {
      b.alpha(contentWeight);
    }
    if (styleWeight != null) {
      b.beta(styleWeight);
    }
    if (tvWeight != null) {
      b.gamma(tvWeight);
    }
    if (backend != null) {
      b.backend(backend);
    }
    return forTask(b, taskThreads, gpu, memory);
  }

  /**
   * {@code b} with one task's backend threads, device (the GPU Spark assigned the task, if any)
   * and memory budget.
   *
   * @param b the builder to change
   * @param taskThreads backend threads when {@link #threads()} is 0
   * @param gpu the GPU address Spark assigned the task, or -1 for none
   * @param memory the task's memory budget in bytes (its share of the executor's)
   * @return {@code b}
   */
  StyleTransfer.Builder forTask(StyleTransfer.Builder b, int taskThreads, int gpu, long memory) {
    b.threads(threads > 0 ? threads : taskThreads).memoryLimit(memory);
    Device d = Device.valueOf(device.toUpperCase(Locale.ROOT));
    return gpu >= 0 && d != Device.CPU ? b.device(Device.GPU, gpu) : b.device(d);
  }

  private static InputConvention conventionOf(String name) {
    for (InputConvention c : InputConvention.values()) {
      if (c.name().equalsIgnoreCase(name)) {
        return c;
      }
    }
    return null;
  }

  /** Builds {@link TransferSettings}; the defaults are {@link StyleTransfer.Builder}'s. */
  public static final class Builder {
    private String model = ModelRegistry.DEFAULT_MODEL;
    private String convention;
    private int size = 512;
    private int iterations = 300;
    private Double contentWeight;
    private Double styleWeight;
    private Double tvWeight;
    private long seed;
    private boolean noiseInit;
    private boolean adam;
    private Double learningRate;
    private boolean averagePooling;
    private String color = ColorControl.NONE.name();
    private double styleScale = 1;
    private String backend;
    private String device = "auto";
    private int threads;
    private long executorMemory;

    private Builder() {}

    /**
     * A registered model by name, or a model file every executor can read (ONNX, Keras .h5, TF.js model.json).
     *
     * @param nameOrFile the model
     * @return this builder
     */
    public Builder model(String nameOrFile) {
      model = checkNotNull(nameOrFile, "model");
      return this;
    }

    /**
     * The input convention of a model file's weights: "torch", "caffe" or "unit".
     *
     * @param name the convention
     * @return this builder
     */
    public Builder convention(String name) {
      checkArgument(conventionOf(checkNotNull(name, "convention")) != null, "unknown convention %s", name);
      convention = name;
      return this;
    }

    /**
     * Long side of the outputs in pixels (default 512).
     *
     * @param longSide at least 1
     * @return this builder
     */
    public Builder size(int longSide) {
      checkArgument(longSide >= 1, "size must be positive, got %s", longSide);
      size = longSide;
      return this;
    }

    /**
     * Iterations per image (default 300).
     *
     * @param n at least 1
     * @return this builder
     */
    public Builder iterations(int n) {
      checkArgument(n >= 1, "iterations must be >= 1, got %s", n);
      iterations = n;
      return this;
    }

    /**
     * The loss weights alpha, beta, gamma; null keeps a default.
     *
     * @param content alpha
     * @param style beta
     * @param tv gamma
     * @return this builder
     */
    public Builder weights(Double content, Double style, Double tv) {
      contentWeight = content;
      styleWeight = style;
      tvWeight = tv;
      return this;
    }

    /**
     * The random seed (default 0): equal seeds give equal images.
     *
     * @param s the seed
     * @return this builder
     */
    public Builder seed(long s) {
      seed = s;
      return this;
    }

    /**
     * Starts from noise instead of the content image.
     *
     * @param on whether to start from noise
     * @return this builder
     */
    public Builder noiseInit(boolean on) {
      noiseInit = on;
      return this;
    }

    /**
     * Adam instead of L-BFGS, with a learning rate (null: the optimiser's default).
     *
     * @param on whether to use Adam
     * @param rate the learning rate, or null
     * @return this builder
     */
    public Builder optimizer(boolean on, Double rate) {
      adam = on;
      learningRate = rate;
      return this;
    }

    /**
     * Average instead of max pooling.
     *
     * @param on whether to pool by average
     * @return this builder
     */
    public Builder averagePooling(boolean on) {
      averagePooling = on;
      return this;
    }

    /**
     * Colour control (default none).
     *
     * @param c the colour control
     * @return this builder
     */
    public Builder color(ColorControl c) {
      color = checkNotNull(c, "color").name();
      return this;
    }

    /**
     * Style image size relative to the output (default 1).
     *
     * @param scale positive
     * @return this builder
     */
    public Builder styleScale(double scale) {
      checkArgument(scale > 0 && Double.isFinite(scale), "styleScale must be positive, got %s", scale);
      styleScale = scale;
      return this;
    }

    /**
     * The backend by name ("onnx", "nd4j"); default the best available on the executor.
     *
     * @param name the backend
     * @return this builder
     */
    public Builder backend(String name) {
      backend = checkNotNull(name, "backend");
      return this;
    }

    /**
     * The device when Spark assigns the task no GPU (default {@link Device#AUTO}).
     *
     * @param d the device
     * @return this builder
     */
    public Builder device(Device d) {
      device = checkNotNull(d, "device").name().toLowerCase(Locale.ROOT);
      return this;
    }

    /**
     * Backend threads per task (default 0: {@code spark.task.cpus}, so that concurrent tasks share
     * the executor's cores instead of fighting over them).
     *
     * @param n at least 0
     * @return this builder
     */
    public Builder threads(int n) {
      checkArgument(n >= 0, "threads must be >= 0, got %s", n);
      threads = n;
      return this;
    }

    /**
     * The memory budget of each executor, shared by its concurrent tasks by their share of its
     * cores (default 0: 60% of the memory the executor's JVM sees). Give executors an
     * {@code spark.executor.memory} (their heap) of at most half of it.
     *
     * @param bytes at least 0
     * @return this builder
     */
    public Builder executorMemory(long bytes) {
      checkArgument(bytes >= 0, "executorMemory must be >= 0 (0 = the default), got %s", bytes);
      executorMemory = bytes;
      return this;
    }

    /**
     * The settings.
     *
     * @return the settings
     */
    public TransferSettings build() {
      return new TransferSettings(model, convention, size, iterations, contentWeight, styleWeight, tvWeight, seed,
          noiseInit, adam, learningRate, averagePooling, color, styleScale, backend, device, threads, executorMemory);
    }
  }
}
