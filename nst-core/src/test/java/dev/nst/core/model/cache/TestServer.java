package dev.nst.core.model.cache;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback HTTP/1.1 server for download tests: files in memory or from a directory, Range
 * requests, connections cut mid-file, stalled and slow bodies, status errors and redirects. It
 * records every request, so tests can assert what the client asked for. Written on plain sockets
 * (one request per connection) because a cut must really drop the connection, which
 * com.sun.net.httpserver does not do.
 */
final class TestServer implements AutoCloseable {
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

  /** One request as seen by the server. */
  record Request(String path, String range) {}

  private final ServerSocket socket;
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "test-http");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, byte[]> files = new ConcurrentHashMap<>();
  private final Map<String, Integer> statuses = new ConcurrentHashMap<>();
  private final Map<String, String> redirects = new ConcurrentHashMap<>();
  private final Map<String, Path> directories = new ConcurrentHashMap<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger cutsLeft = new AtomicInteger();
  private volatile long cutAfter;
  private volatile boolean stallInsteadOfCut;
  private volatile boolean ranges = true;
  private volatile boolean sendLength = true;
  private volatile long chunkDelayMillis;

  TestServer() throws IOException {
    socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    pool.execute(() -> {
      while (!socket.isClosed()) {
        try {
          Socket s = socket.accept();
          pool.execute(() -> serve(s));
        } catch (IOException e) {
          return; // closed
        }
      }
    });
  }

  URI base() {
    return URI.create("http://127.0.0.1:" + socket.getLocalPort());
  }

  URI url(String path) {
    return base().resolve(path);
  }

  TestServer file(String path, byte[] content) {
    files.put(path, content);
    return this;
  }

  TestServer status(String path, int status) {
    statuses.put(path, status);
    return this;
  }

  TestServer redirect(String from, String to) {
    redirects.put(from, to);
    return this;
  }

  /** Serves {@code dir}'s files under {@code prefix} (which ends with '/'). */
  TestServer directory(String prefix, Path dir) {
    directories.put(prefix, dir);
    return this;
  }

  /** The next {@code times} full-file responses stop after {@code bytes} bytes and drop the connection. */
  TestServer cut(long bytes, int times) {
    cutAfter = bytes;
    cutsLeft.set(times);
    return this;
  }

  /** Like {@link #cut} but the connection stays open and silent (a stalled download). */
  TestServer stall(long bytes, int times) {
    cut(bytes, times);
    stallInsteadOfCut = true;
    return this;
  }

  TestServer ignoreRanges() {
    ranges = false;
    return this;
  }

  /** Send bodies chunked, without Content-Length. */
  TestServer noLength() {
    sendLength = false;
    return this;
  }

  /** Sleep this long after every 64 KiB. */
  TestServer slow(long millisPerChunk) {
    chunkDelayMillis = millisPerChunk;
    return this;
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  List<Request> requests(String path) {
    List<Request> out = new ArrayList<>();
    for (Request r : requests) {
      if (r.path().equals(path)) {
        out.add(r);
      }
    }
    return out;
  }

  private void serve(Socket s) {
    try (s) {
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
      String requestLine = in.readLine();
      if (requestLine == null) {
        return;
      }
      String range = null;
      for (String h = in.readLine(); h != null && !h.isEmpty(); h = in.readLine()) {
        int colon = h.indexOf(':');
        if (colon > 0 && h.substring(0, colon).trim().equalsIgnoreCase("Range")) {
          range = h.substring(colon + 1).trim();
        }
      }
      String path = URI.create(requestLine.split(" ")[1]).getPath();
      requests.add(new Request(path, range));
      respond(s.getOutputStream(), path, range);
    } catch (IOException | InterruptedException e) {
      // the client went away, or the test ended
    }
  }

  private void respond(OutputStream out, String path, String range) throws IOException, InterruptedException {
    if (statuses.containsKey(path)) {
      head(out, statuses.get(path) + " Error", 0L);
      return;
    }
    if (redirects.containsKey(path)) {
      head(out, "302 Found", 0L, "Location: " + redirects.get(path));
      return;
    }
    byte[] content = files.get(path);
    if (content == null) {
      for (Map.Entry<String, Path> d : directories.entrySet()) {
        if (path.startsWith(d.getKey())) {
          Path f = d.getValue().resolve(path.substring(d.getKey().length())).normalize();
          if (f.startsWith(d.getValue()) && Files.isRegularFile(f)) {
            content = Files.readAllBytes(f);
          }
        }
      }
    }
    if (content == null) {
      head(out, "404 Not Found", 0L);
      return;
    }
    long from = 0;
    Matcher m = range == null ? null : RANGE.matcher(range);
    if (ranges && m != null && m.matches()) {
      from = Long.parseLong(m.group(1));
      if (from >= content.length) {
        head(out, "416 Range Not Satisfiable", 0L, "Content-Range: bytes */" + content.length);
        return;
      }
      head(out, "206 Partial Content", content.length - from,
          "Content-Range: bytes " + from + "-" + (content.length - 1) + "/" + content.length);
    } else {
      head(out, "200 OK", sendLength ? (long) content.length : null, "Accept-Ranges: " + (ranges ? "bytes" : "none"));
    }
    long stopAt = content.length;
    if (from == 0 && cutsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      stopAt = Math.min(content.length, cutAfter);
    }
    long pos = from;
    while (pos < stopAt) {
      int n = (int) Math.min(1 << 16, stopAt - pos);
      out.write(content, (int) pos, n);
      out.flush();
      pos += n;
      if (chunkDelayMillis > 0) {
        Thread.sleep(chunkDelayMillis);
      }
    }
    if (stopAt < content.length && stallInsteadOfCut) {
      Thread.sleep(60_000); // silent until the client gives up (or the test ends)
    }
    // returning closes the socket: for a cut, before the announced length
  }

  /** Status line and headers; a null length means no Content-Length (the body ends at close). */
  private static void head(OutputStream out, String status, Long length, String... headers) throws IOException {
    StringBuilder sb = new StringBuilder("HTTP/1.1 ").append(status).append("\r\n");
    sb.append("Connection: close\r\n");
    if (length != null) {
      sb.append("Content-Length: ").append(length).append("\r\n");
    }
    for (String h : headers) {
      sb.append(h).append("\r\n");
    }
    sb.append("\r\n");
    out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    pool.shutdownNow();
  }
}
