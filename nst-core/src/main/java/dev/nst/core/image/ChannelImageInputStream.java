package dev.nst.core.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.Objects;
import javax.imageio.stream.ImageInputStreamImpl;

/**
 * An {@code ImageInputStream} over a {@link SeekableByteChannel}, so images can be read from any
 * {@code Path} (zip file systems, in-memory ones), without ImageIO's global cache settings and
 * without copying the file into memory. Closing it closes the channel.
 */
final class ChannelImageInputStream extends ImageInputStreamImpl {
  private final SeekableByteChannel channel;
  private final ByteBuffer one = ByteBuffer.allocate(1);

  ChannelImageInputStream(SeekableByteChannel channel) {
    this.channel = Objects.requireNonNull(channel, "channel");
  }

  @Override
  public int read() throws IOException {
    checkClosed();
    bitOffset = 0;
    one.clear();
    channel.position(streamPos);
    int n;
    do {
      n = channel.read(one);
    } while (n == 0);
    if (n < 0) {
      return -1;
    }
    streamPos++;
    return one.get(0) & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    checkClosed();
    Objects.checkFromIndexSize(off, len, b.length);
    bitOffset = 0;
    if (len == 0) {
      return 0;
    }
    channel.position(streamPos);
    int n;
    do {
      n = channel.read(ByteBuffer.wrap(b, off, len));
    } while (n == 0);
    if (n > 0) {
      streamPos += n;
    }
    return n;
  }

  @Override
  public long length() {
    try {
      return channel.size();
    } catch (IOException e) {
      return -1;
    }
  }

  @Override
  public void close() throws IOException {
    try {
      super.close();
    } finally {
      channel.close();
    }
  }
}
