package dev.nst.core.model.cache;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.base.Supplier;
import com.google.common.base.Suppliers;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one file over HTTP from a byte offset: a Range request when the offset is not 0, status
 * codes turned into messages that say what went wrong, and a body that survives broken and
 * stalled connections by asking again from where it stopped.
 *
 * <p>Where the bytes go and whether they are right is the store's business; this class only
 * moves them. It refuses a server that announces a size other than the expected one, because
 * such a file cannot be the published one and downloading it would only waste the bandwidth.
 *
 * <p>One instance serves one {@link ModelStore#fetch} call. Its HTTP client is made on first
 * use, so a fetch that never needs the network (offline, mirror, everything cached) starts no
 * client threads.
 */
final class HttpSource {
  private static final String USER_AGENT = "nst (neural style transfer for the JVM)";
  private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");
  private static final int SKIP_BUFFER = 1 << 16;

  /**
   * How requests are made; {@link ModelStore.Builder} documents each setting.
   *
   * @param client the client to use, or null for one made on first use that follows redirects
   *     (except from https to http) and connects within {@code connectTimeout}
   * @param connectTimeout time allowed to open a connection (used by the made client only)
   * @param requestTimeout time allowed for a response's status line and headers
   * @param readTimeout how long a body may deliver nothing before its connection is dropped
   * @param attempts how many broken connections a download survives, the first one included
   * @param retryDelay pause before asking again, times the number of breaks so far (at most 8)
   */
  record Settings(HttpClient client, Duration connectTimeout, Duration requestTimeout, Duration readTimeout,
      int attempts, Duration retryDelay) {
    Settings {
      checkNotNull(connectTimeout, "connectTimeout");
      checkNotNull(requestTimeout, "requestTimeout");
      checkNotNull(readTimeout, "readTimeout");
      checkNotNull(retryDelay, "retryDelay");
      checkArgument(attempts >= 1, "attempts must be >= 1, got %s", attempts);
    }
  }

  private final Settings settings;
  private final Supplier<HttpClient> client;

  HttpSource(Settings settings) {
    this.settings = checkNotNull(settings, "settings");
    client = settings.client() != null ? Suppliers.ofInstance(settings.client())
        : Suppliers.memoize(() -> HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(settings.connectTimeout()).build());
  }

  /**
   * Asks for {@code url} from byte {@code offset}. The body may start earlier than asked, at 0,
   * when the server does not honour the range ({@link Body#start()}); the caller then has to
   * start over.
   *
   * @param expectedLength the file's published size, or -1 when unknown: a server announcing
   *     another size is refused, and a body ending before it counts as a broken connection
   * @return the body, positioned at {@link Body#start()}; the caller closes it
   * @throws Failure when the server cannot be reached, answers with an error status, or serves
   *     a file of another size
   * @throws InterruptedIOException when the thread is interrupted while waiting
   */
  Body open(URI url, long offset, long expectedLength) throws IOException {
    checkNotNull(url, "url");
    checkArgument(offset >= 0, "offset must be >= 0, got %s", offset);
    Body body = new Body(url, offset, expectedLength);
    body.connect(false);
    return body;
  }

  /** A short description of an I/O failure for messages: its type and, if any, its message. */
  static String describe(IOException e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
  }

  private static String statusProblem(int status) {
    String hint = switch (status) {
      case 301, 302, 303, 307, 308 -> " (a redirect the HTTP client did not follow, e.g. from https to http)";
      case 401, 403 -> " (access denied)";
      case 404, 410 -> " (the file is not there)";
      case 429 -> " (too many requests: try again later)";
      default -> status >= 500 ? " (a server error: try again later)" : "";
    };
    return "HTTP " + status + hint;
  }

  private void pause(URI url, int breaks) throws InterruptedIOException {
    try {
      Thread.sleep(settings.retryDelay().toMillis() * Math.min(breaks, 8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw interrupted(url);
    }
  }

  private static InterruptedIOException interrupted(URI url) {
    return new InterruptedIOException("interrupted while downloading " + url);
  }

  /**
   * The source cannot deliver the file: a final verdict, not retried. {@link #wrongContent()}
   * is true when the server offers a file other than the expected one.
   */
  static final class Failure extends IOException {
    private static final long serialVersionUID = 1L;
    private final boolean wrongContent;

    Failure(String message, boolean wrongContent) {
      super(message);
      this.wrongContent = wrongContent;
    }

    boolean wrongContent() {
      return wrongContent;
    }
  }

  /**
   * The bytes of one file from {@link #start()} to its end. A read that fails or a body that
   * ends early makes it ask again from its position (after a pause that grows with each break);
   * if the server then sends the whole file, the bytes before the position are skipped. After
   * {@link Settings#attempts()} breaks it gives up with a {@link Failure}. Not thread-safe.
   */
  final class Body extends InputStream {
    private final URI url;
    private final long expectedLength;
    private long start;
    private long position;
    private long total = -1;
    private boolean rangesRefused;
    private int breaks;
    private Connection current;
    private boolean closed;

    private Body(URI url, long offset, long expectedLength) {
      this.url = url;
      this.expectedLength = expectedLength;
      this.start = offset;
      this.position = offset;
    }

    /** Where the first response began: the offset asked for, or 0 when the server ignored it. */
    long start() {
      return start;
    }

    /** The file's size as the server announced it, or -1 when it did not. */
    long total() {
      return total;
    }

    /** How many bytes of the file have been read, counted from its beginning. */
    long position() {
      return position;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      if (closed) {
        throw new IOException("the download of " + url + " is closed");
      }
      if (len == 0) {
        return 0;
      }
      while (true) {
        IOException broke;
        try {
          if (current == null) {
            connect(true);
          }
          int n = current.read(b, off, len);
          if (n >= 0) {
            position += n;
            return n;
          }
          long end = expectedLength >= 0 ? expectedLength : total;
          if (end < 0 || position >= end) {
            return -1;
          }
          broke = null; // the body ended before the file did
        } catch (Failure | InterruptedIOException e) {
          throw e;
        } catch (IOException e) {
          if (Thread.currentThread().isInterrupted()) {
            throw interrupted(url);
          }
          broke = e;
        }
        disconnect();
        if (++breaks >= settings.attempts()) {
          String at = "at byte " + position + " of " + (total >= 0 ? total : expectedLength);
          throw new Failure(broke == null
              ? "the server closed the connection " + breaks + " times before the end (" + at + ")"
              : "the connection broke " + breaks + " times (last: " + describe(broke) + "; " + at + ")", false);
        }
        pause(url, breaks);
      }
    }

    /**
     * Sends a request for the bytes from {@link #position} and takes its body. When the server
     * sends the whole file instead, a first request starts over at 0 and a later one skips to
     * the position.
     */
    private void connect(boolean resuming) throws IOException {
      while (true) {
        boolean ranged = position > 0 && !rangesRefused;
        HttpResponse<InputStream> response = send(ranged ? position : 0);
        int status = response.statusCode();
        InputStream in = response.body();
        if (ranged && status == 206) {
          Matcher m = CONTENT_RANGE.matcher(response.headers().firstValue("Content-Range").orElse(""));
          if (m.matches() && Long.parseLong(m.group(1)) == position) {
            checkTotal(m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3)), in);
            current = new Connection(in, settings.readTimeout());
            return;
          }
          // a range other than the one asked for: ask for the whole file instead
        } else if (ranged && status == 416) {
          // the server finds the range beyond its file: ask for the whole file instead
        } else if (status == 200) {
          checkTotal(response.headers().firstValueAsLong("Content-Length").orElse(-1), in);
          current = new Connection(in, settings.readTimeout());
          if (!resuming) {
            start = 0;
            position = 0;
          } else {
            skipTo(position);
          }
          return;
        } else {
          closeQuietly(in);
          throw new Failure(statusProblem(status), false);
        }
        closeQuietly(in);
        rangesRefused = true;
      }
    }

    private HttpResponse<InputStream> send(long from) throws IOException {
      HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(settings.requestTimeout())
          .header("User-Agent", USER_AGENT);
      if (from > 0) {
        request.header("Range", "bytes=" + from + "-");
      }
      try {
        return client.get().send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      } catch (IOException e) {
        throw new Failure("cannot connect (" + describe(e) + ")", false);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw interrupted(url);
      }
    }

    private void checkTotal(long announced, InputStream in) throws Failure {
      if (announced >= 0 && expectedLength >= 0 && announced != expectedLength) {
        closeQuietly(in);
        throw new Failure("serves " + announced + " bytes but the published size is " + expectedLength
            + " (a different or changed file)", true);
      }
      total = announced;
    }

    /** Reads and drops the first {@code count} bytes of a body that starts at 0. */
    private void skipTo(long count) throws IOException {
      byte[] buf = new byte[SKIP_BUFFER];
      long left = count;
      while (left > 0) {
        int n = current.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          throw new IOException("the body ended after " + (count - left) + " bytes, before byte " + count);
        }
        left -= n;
      }
    }

    private void disconnect() {
      if (current != null) {
        current.close();
        current = null;
      }
    }

    @Override
    public void close() {
      closed = true;
      disconnect();
    }
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException ignored) {
      // the response is abandoned either way
    }
  }

  /**
   * One response body, closed by a watchdog when nothing arrives for the read timeout:
   * HttpClient has no read timeout, and a silent server would otherwise hang the download
   * forever. The closed stream fails the read, which then counts as a broken connection.
   */
  private static final class Connection {
    private final InputStream in;
    private final Duration timeout;
    private final ScheduledExecutorService timer;
    private volatile long lastNanos = System.nanoTime();
    private volatile boolean fired;

    Connection(InputStream in, Duration timeout) {
      this.in = in;
      this.timeout = timeout;
      timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "nst-download-watchdog");
        t.setDaemon(true);
        return t;
      });
      long period = Math.max(10, timeout.toMillis() / 4);
      timer.scheduleAtFixedRate(() -> {
        if (System.nanoTime() - lastNanos > timeout.toNanos()) {
          fired = true;
          closeQuietly(in);
        }
      }, period, period, TimeUnit.MILLISECONDS);
    }

    int read(byte[] buf, int off, int len) throws IOException {
      int n;
      try {
        n = in.read(buf, off, len);
      } catch (IOException e) {
        throw fired ? new IOException("no data for " + timeout.toMillis() + " ms", e) : e;
      }
      if (fired) {
        throw new IOException("no data for " + timeout.toMillis() + " ms");
      }
      lastNanos = System.nanoTime();
      return n;
    }

    void close() {
      timer.shutdownNow();
      closeQuietly(in);
    }
  }
}
