package dev.nst.core.model.format;

import dev.nst.api.InputConvention;
import dev.nst.api.Layer;
import dev.nst.api.ModelLoadException;
import dev.nst.api.Network;
import dev.nst.api.Padding;
import dev.nst.api.Pooling;
import dev.nst.api.Tensor;
import dev.nst.core.io.RegularFiles;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.exceptions.HdfException;
import io.jhdf.storage.HdfInMemoryByteBuffer;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads the convolutional part of a VGG-style network from a Keras HDF5 weight file, such as
 * Keras' {@code vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5}.
 *
 * <p>Such "notop" files hold weights only, no topology: the root attribute {@code layer_names}
 * lists the layers in order, each layer is a group whose attribute {@code weight_names} names
 * its datasets (Keras 1: {@code block1_conv1_W_1:0}, {@code block1_conv1_b_1:0} directly in the
 * group; Keras 2: {@code block1_conv1/kernel:0}, {@code block1_conv1/bias:0} one group deeper).
 * The chain is therefore rebuilt from the structure of the weights, not from their names: a layer
 * with a rank-4 kernel (kH, kW, Cin, Cout, TensorFlow's HWIO) is a stride-1 "same" convolution
 * followed by ReLU, a layer without weights whose name contains {@code pool} is a 2x2 stride-2
 * max pool ({@code avg}/{@code average} in the name: average pool), and weightless input,
 * flatten and dropout layers pass through. Loading stops at the first other layer with weights
 * (the classifier head of a file with top). That is exactly VGG; other networks need a format
 * that records their topology (ONNX, TF.js). Files saved with {@code model.save} keep their
 * weights under {@code model_weights}, which is read the same way.
 *
 * <p>Kernels must be TensorFlow kernels ({@code tf_kernels}): Theano-era files hold flipped
 * kernels that cannot be told apart by their shape.
 */
public final class KerasH5Loader {
  private static final Set<String> PASS_THROUGH = Set.of("input", "flatten", "dropout");
  /** Kernel sizes and channel counts above this make no sense (and overflow the shape arithmetic). */
  private static final long MAX_DIM = 1 << 16;
  /**
   * How much larger than the file a compressed weight may declare itself: float weights barely
   * compress, so a higher ratio is a decompression bomb or a corrupt size, not a weight file.
   */
  private static final long MAX_COMPRESSION_RATIO = 4;
  /** How {@link java.nio.Buffer#limit(int)} refuses a limit past the capacity (the end of the mapped file). */
  private static final Pattern PAST_END = Pattern.compile("newLimit > capacity: \\((\\d+) > (\\d+)\\)");
  /** jhdf's message when it reports a missing path in an in-memory file (see {@link #byPath}). */
  private static final String NO_BACKING_FILE = "No backing file. In-memory";
  /** The 8 bytes every HDF5 file's superblock starts with. */
  private static final byte[] SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

  private KerasH5Loader() {}

  /** Loads {@code file}; the network is named after the file. */
  public static Network load(Path file, InputConvention convention) {
    RegularFiles.size(file, "Keras weight file", ModelLoadException::new);
    String name = file.getFileName().toString().replaceFirst("(?i)\\.(h5|hdf5|keras)$", "");
    try (HdfFile h5 = open(file)) {
      // HDF5 records its own length: a download cut short is caught here, not as odd weights.
      long expected = h5.getUserBlockSize() + h5.getHdfBackingStorage().getSuperblock().getEndOfFileAddress();
      long actual = h5.getHdfBackingStorage().size();
      if (actual < expected) {
        throw new ModelLoadException("the file is truncated: it has " + actual + " bytes but its HDF5 header says "
            + expected + "; delete it and fetch it again");
      }
      return build(h5, name, convention, actual);
    } catch (IOException e) {
      throw new ModelLoadException("cannot read " + file + ": " + e.getMessage(), e);
    } catch (ModelLoadException e) {
      throw new ModelLoadException(file + ": " + e.getMessage(), e);
    } catch (HdfException e) {
      throw new ModelLoadException(file + " is not a readable HDF5 file (" + jhdfMessage(e)
          + "): it is corrupt or not HDF5; fetch or export it again", e);
    } catch (RuntimeException e) {
      if (thrownByJhdf(e)) {
        // jhdf reports some corrupt structures with plain ArithmeticException, IllegalArgumentException, ...
        throw new ModelLoadException(file + " is not a readable HDF5 file (jhdf: " + jhdfMessage(e)
            + "): it is corrupt or not HDF5; fetch or export it again", e);
      }
      throw new ModelLoadException(file + ": malformed Keras weight file (" + e + ")", e);
    }
  }

  /**
   * Opens {@code file} through jhdf's in-memory storage over a read-only memory map of the file.
   *
   * <p>jhdf's file-channel storage reads every structure (object headers, heaps, B-tree nodes,
   * chunk indexes) into a new heap buffer of the length the file declares for it, so a corrupt
   * length made it allocate up to 2 GiB per read before finding that the file is shorter (the
   * fuzzer found 33 such files of a few KB allocating 34 MB to 4 GB). The in-memory storage
   * slices the mapped buffer instead: a structure that runs past the end of the file fails at
   * once ({@code IllegalArgumentException: newLimit > capacity}), and nothing is copied. The map
   * costs address space, not heap, so VGG-19's 550 MB weight file is fine.
   *
   * <p>jhdf's in-memory storage addresses the buffer with ints, so a file of 2 GiB or more is
   * opened through the file channel as before. There each read is at most 2 GiB, which is then
   * below the file's size: the allocation is still bounded by the input.
   */
  private static HdfFile open(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (!hasSignature(channel, size)) {
        throw new ModelLoadException("not an HDF5 file (no HDF5 signature at offset 0, 512, 1024, ...; "
            + size + " bytes): it is corrupt, truncated or in another format");
      }
      if (size >= Integer.MAX_VALUE) {
        return new HdfFile(file);
      }
      // The mapping stays valid after the channel is closed; it is released when the buffer is collected.
      MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
      return HdfFile.fromByteBuffer(map);
    }
  }

  /** Whether the HDF5 signature is where HDF5 puts it: at 0, 512, 1024, 2048, ... (after a user block). */
  private static boolean hasSignature(FileChannel channel, long size) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(SIGNATURE.length);
    for (long offset = 0; offset + SIGNATURE.length <= size; offset = offset == 0 ? 512 : 2 * offset) {
      b.clear();
      while (b.hasRemaining() && channel.read(b, offset + b.position()) > 0) {
        // read the 8 bytes
      }
      if (!b.hasRemaining() && Arrays.equals(b.array(), SIGNATURE)) {
        return true;
      }
    }
    return false;
  }

  private static Network build(HdfFile h5, String name, InputConvention convention, long fileSize) {
    Group root = h5;
    if (h5.getAttribute("layer_names") == null && h5.getChild("model_weights") instanceof Group g) {
      root = g;
    }
    String[] layerNames = strings(root.getAttribute("layer_names"));
    if (layerNames.length == 0) {
      throw new ModelLoadException("no 'layer_names' attribute: this is not a Keras weight file "
          + "(saved with save_weights or model.save in the HDF5 format)");
    }
    List<Layer> layers = new ArrayList<>();
    LayerNamer namer = new LayerNamer();
    int inputChannels = -1;
    int channels = -1;
    for (String layerName : layerNames) {
      if (!(child(root, layerName) instanceof Group group)) {
        throw new ModelLoadException("layer '" + layerName + "' is listed in layer_names but has no group");
      }
      List<Dataset> weights = new ArrayList<>();
      for (String w : strings(group.getAttribute("weight_names"))) {
        Node n = byPath(group, w, layerName);
        if (!(n instanceof Dataset d)) {
          throw new ModelLoadException("weight '" + w + "' of layer '" + layerName + "' is not a dataset");
        }
        weights.add(checked(d, w, layerName, fileSize));
      }
      String lower = layerName.toLowerCase(Locale.ROOT);
      if (weights.isEmpty()) {
        if (lower.contains("pool")) {
          Pooling kind = lower.contains("avg") || lower.contains("average") ? Pooling.AVERAGE : Pooling.MAX;
          layers.add(new Layer.Pool(namer.pool(), kind, 2, 2, Padding.NONE));
        } else if (PASS_THROUGH.stream().noneMatch(lower::contains)) {
          break; // an unknown weightless layer: we cannot know what it does, so the features end here
        }
        continue;
      }
      Dataset kernel = null;
      Dataset bias = null;
      for (Dataset d : weights) {
        int rank = d.getDimensionsAsLong().length;
        if (rank == 4 && kernel == null) {
          kernel = d;
        } else if (rank == 1 && bias == null) {
          bias = d;
        } else {
          kernel = null;
          break;
        }
      }
      if (kernel == null) {
        if (layers.isEmpty()) {
          throw new ModelLoadException("layer '" + layerName + "' has weights of shapes " + shapes(weights)
              + " but nst reads Keras weight files of VGG-style networks (convolutions, ReLU, pools)");
        }
        break; // the classifier head (Dense) of a file with top
      }
      Layer.Convolution conv = convolution(layerName, kernel, bias, namer.convolution());
      if (channels < 0) {
        inputChannels = conv.inChannels();
      } else if (conv.inChannels() != channels) {
        throw new ModelLoadException("layer '" + layerName + "' expects " + conv.inChannels()
            + " input channels but the previous convolution gives " + channels);
      }
      channels = conv.outChannels();
      layers.add(conv);
      layers.add(new Layer.Relu(namer.activation()));
    }
    if (inputChannels < 0) {
      throw new ModelLoadException("no convolution found among the layers " + Arrays.toString(layerNames));
    }
    return new Network(name, convention, inputChannels, layers);
  }

  private static Layer.Convolution convolution(String layerName, Dataset kernel, Dataset bias, String name) {
    long[] d = kernel.getDimensionsAsLong();
    int kh = (int) d[0]; // each in 1..MAX_DIM: checked()
    int kw = (int) d[1];
    int ci = (int) d[2];
    int co = (int) d[3];
    float[] hwio = floats(kernel, layerName);
    float[] oihw = new float[hwio.length];
    for (int y = 0; y < kh; y++) {
      for (int x = 0; x < kw; x++) {
        for (int i = 0; i < ci; i++) {
          for (int o = 0; o < co; o++) {
            oihw[((o * ci + i) * kh + y) * kw + x] = hwio[((y * kw + x) * ci + i) * co + o];
          }
        }
      }
    }
    Tensor b;
    if (bias == null) {
      b = Tensor.zeros(co);
    } else {
      float[] bv = floats(bias, layerName);
      if (bv.length != co) {
        throw new ModelLoadException("layer '" + layerName + "' has a kernel with " + co
            + " output channels but " + bv.length + " biases");
      }
      b = Tensor.adopt(bv, co);
    }
    // "same" padding at stride 1; for even kernels TensorFlow puts the extra row at the bottom.
    Padding pad = new Padding((kh - 1) / 2, (kw - 1) / 2, kh / 2, kw / 2);
    return new Layer.Convolution(name, Tensor.adopt(oihw, co, ci, kh, kw), b, 1, pad);
  }

  /** Whether {@code e} comes from inside jhdf (its first frame outside the JDK is jhdf's). */
  static boolean thrownByJhdf(Throwable e) {
    for (StackTraceElement f : e.getStackTrace()) {
      String c = f.getClassName();
      if (!c.startsWith("java.") && !c.startsWith("jdk.") && !c.startsWith("sun.")) {
        return c.startsWith("io.jhdf.") || c.startsWith("org.apache.commons.");
      }
    }
    return false;
  }

  /**
   * What jhdf reported, plus what its cause means. jhdf's in-memory storage reports a structure
   * that would run past the end of the file as {@code IllegalArgumentException: newLimit >
   * capacity: (end > size)}, or, for an end past 2 GiB, as {@code ArithmeticException: integer
   * overflow}; jhdf wraps either in "Failed to read object header at address ...", "Error reading
   * local heap", ... A structure whose contents run past its own declared end is a
   * {@code BufferUnderflowException}. Plain exceptions keep their class name.
   */
  static String jhdfMessage(Throwable e) {
    String m = e instanceof HdfException ? e.getMessage() : e.toString();
    for (Throwable c = e; c != null; c = c.getCause()) {
      Matcher x = c instanceof IllegalArgumentException && c.getMessage() != null
          ? PAST_END.matcher(c.getMessage()) : null;
      if (x != null && x.find()) {
        return m + "; a structure it points to would end at byte " + x.group(1) + " but the file has only "
            + x.group(2) + " bytes";
      }
      if (c instanceof ArithmeticException && c.getStackTrace().length > 1
          && c.getStackTrace()[1].getClassName().equals(HdfInMemoryByteBuffer.class.getName())) {
        return m + "; a structure it points to would end past 2 GiB, beyond the end of the file";
      }
      if (c instanceof BufferUnderflowException) {
        return m + "; a structure in the file is shorter than its contents";
      }
    }
    return m;
  }

  /** The layer or root child {@code name}, or null; jhdf refuses some names ("", "/", ...) with an exception. */
  private static Node child(Group parent, String name) {
    try {
      return name.isEmpty() ? null : parent.getChild(name);
    } catch (HdfException e) {
      throw new ModelLoadException("layer '" + name + "' listed in layer_names cannot be read ("
          + jhdfMessage(e) + "); the file is corrupt: fetch or export it again", e);
    }
  }

  private static Node byPath(Group group, String path, String layerName) {
    try {
      return path.isEmpty() ? null : group.getByPath(path);
    } catch (HdfException e) {
      // jhdf needs the file's name to report a path that resolves to nothing, and to follow an
      // external link to another file; an in-memory file has none, so either ends in "No backing
      // file. In-memory". Not following links out of the file is what we want anyway.
      String detail = NO_BACKING_FILE.equals(e.getMessage()) ? "nothing in the file has the path "
          + group.getPath() + path + ", or it is an external link to another file, which nst does not follow"
          : jhdfMessage(e);
      throw new ModelLoadException("weight '" + path + "' listed in weight_names of layer '" + layerName
          + "' is not in the file (" + detail + "); the file is corrupt", e);
    }
  }

  /**
   * {@code d} if its declared shape, type and size can be read: every dimension in 1..65,536
   * (HDF5 allows 2^64), float32 or float64, and no more bytes declared than the file stores, so
   * that a corrupt header cannot make jhdf allocate gigabytes or overflow an int.
   */
  private static Dataset checked(Dataset d, String path, String layerName, long fileSize) {
    String what = "weight '" + path + "' of layer '" + layerName + "'";
    long[] dims;
    Class<?> type;
    long stored;
    boolean filtered;
    try {
      dims = d.getDimensionsAsLong();
      type = d.getJavaType();
      filtered = !d.getFilters().isEmpty();
      for (io.jhdf.filter.PipelineFilterWithData f : d.getFilters()) {
        requireReadableFilter(f.getId(), f.getName(), what);
      }
      stored = d.getStorageInBytes();
    } catch (HdfException e) {
      throw new ModelLoadException(what + " cannot be read (" + jhdfMessage(e) + "); the file is corrupt", e);
    } catch (RuntimeException e) {
      if (!thrownByJhdf(e)) {
        throw e;
      }
      throw new ModelLoadException(what + " cannot be read (jhdf: " + jhdfMessage(e) + "); the file is corrupt", e);
    }
    long elements = 1;
    for (long n : dims) {
      if (n < 1 || n > MAX_DIM) {
        throw new ModelLoadException(what + " has shape " + Arrays.toString(dims) + " (as unsigned: "
            + unsigned(dims) + "): every dimension must lie in 1.." + MAX_DIM + "; the file is corrupt");
      }
      elements *= n; // at most 4 dims are used; an overflow of more is caught below as "too large"
      if (elements > Integer.MAX_VALUE || elements < 0) {
        throw new ModelLoadException(what + " declares shape " + Arrays.toString(dims)
            + ", over 2^31 values; the file is corrupt");
      }
    }
    if (type != float.class && type != double.class) {
      throw new ModelLoadException(what + " holds " + (type == null ? "unknown" : type.getSimpleName())
          + " values; nst reads float32 and float64 weights: re-save the weights as float32");
    }
    long declared = elements * (type == float.class ? 4 : 8);
    if (!filtered && declared > stored) {
      throw new ModelLoadException(what + " declares shape " + Arrays.toString(dims) + " (" + declared
          + " bytes) but the file stores " + stored + " bytes for it; the file is truncated or corrupt");
    }
    if (stored > fileSize) {
      throw new ModelLoadException(what + " claims " + stored + " bytes of data but the whole file has "
          + fileSize + "; the file is corrupt");
    }
    if (filtered && declared > MAX_COMPRESSION_RATIO * fileSize) {
      throw new ModelLoadException(what + " declares shape " + Arrays.toString(dims) + " (" + declared
          + " bytes), over " + MAX_COMPRESSION_RATIO + " times the size of the whole file (" + fileSize
          + " bytes); float weights do not compress that well, so the size is corrupt (or the file is a "
          + "decompression bomb)");
    }
    return d;
  }

  /** HDF5 filters h5py and Keras write: deflate (gzip), shuffle and fletcher32 checksums. */
  private static final Set<Integer> READABLE_FILTERS = Set.of(1, 2, 3);

  /**
   * Refuses any other filter before jhdf runs it: its LZ4 and BitShuffle decoders allocate the
   * decompressed size declared inside each chunk (up to 2 GiB) and LZF the size in its
   * parameters, which a corrupt or hostile file sets at will.
   */
  static void requireReadableFilter(int id, String name, String what) {
    if (!READABLE_FILTERS.contains(id)) {
      throw new ModelLoadException(what + " is compressed with HDF5 filter '" + name + "' (id " + id
          + "); nst reads weights stored plain or with gzip, shuffle and fletcher32, as Keras writes "
          + "them: re-save the weights with h5py's default or gzip compression");
    }
  }

  private static String unsigned(long[] dims) {
    return Arrays.stream(dims).mapToObj(Long::toUnsignedString).toList().toString();
  }

  /** The values of a {@link #checked} dataset, as finite floats. */
  private static float[] floats(Dataset d, String layerName) {
    Object data;
    try {
      data = d.getDataFlat();
    } catch (HdfException e) {
      throw new ModelLoadException("the data of weight " + d.getPath() + " of layer '" + layerName
          + "' cannot be read (" + jhdfMessage(e) + "); the file is corrupt: fetch or export it again", e);
    } catch (RuntimeException e) {
      if (!thrownByJhdf(e)) {
        throw e;
      }
      throw new ModelLoadException("the data of weight " + d.getPath() + " of layer '" + layerName
          + "' cannot be read (jhdf: " + jhdfMessage(e) + "); the file is corrupt: fetch or export it again", e);
    }
    float[] f;
    if (data instanceof float[] v) {
      f = v;
    } else if (data instanceof double[] v) {
      f = new float[v.length];
      for (int i = 0; i < v.length; i++) {
        f[i] = (float) v[i];
      }
    } else {
      throw new ModelLoadException("weight " + d.getPath() + " holds "
          + (data == null ? "nothing" : data.getClass().getSimpleName())
          + " values; nst reads float32 and float64 weights");
    }
    for (int i = 0; i < f.length; i++) {
      if (!Float.isFinite(f[i])) {
        throw new ModelLoadException("weight " + d.getPath() + " of layer '" + layerName + "' holds " + f[i]
            + " at index " + i + " (a value outside float32 range, if the file holds float64); "
            + "the weights are corrupt or the model diverged in training");
      }
    }
    return f;
  }

  /** A string-array attribute as Java strings; absent or empty attributes give none. */
  private static String[] strings(Attribute a) {
    if (a == null || a.isEmpty() || a.getSize() == 0) {
      return new String[0];
    }
    Object data = a.getData();
    if (data instanceof String[] s) {
      return s;
    }
    if (data instanceof String s) {
      return new String[] {s};
    }
    throw new ModelLoadException("attribute '" + a.getName() + "' of " + a.getNode().getPath()
        + " is not a list of strings");
  }

  private static List<List<Long>> shapes(List<Dataset> weights) {
    List<List<Long>> out = new ArrayList<>();
    for (Dataset d : weights) {
      out.add(Arrays.stream(d.getDimensionsAsLong()).boxed().toList());
    }
    return out;
  }
}
