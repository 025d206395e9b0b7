package dev.nst.core.model.cache;

import static dev.nst.core.model.cache.ModelStoreTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The HTTP rules of a download, against a loopback server: statuses, ranges, timeouts, retries. */
@Timeout(60)
class HttpSourceTest {
  private static final Duration LONG = Duration.ofSeconds(20);

  TestServer server;

  @BeforeEach
  void start() throws IOException {
    server = new TestServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  static HttpSource source(int attempts, Duration readTimeout) {
    return new HttpSource(new HttpSource.Settings(null, LONG, LONG, readTimeout, attempts, Duration.ofMillis(5)));
  }

  static HttpSource source() {
    return source(5, LONG);
  }

  @Test
  void aDownloadFromTheStartAsksForNoRange() throws Exception {
    byte[] content = bytes(200_000, 1);
    server.file("/w", content);
    try (HttpSource.Body body = source().open(server.url("/w"), 0, content.length)) {
      assertThat(body.start()).isZero();
      assertThat(body.total()).isEqualTo(200_000);
      assertThat(body.readAllBytes()).isEqualTo(content);
      assertThat(body.position()).isEqualTo(200_000);
    }
    assertThat(server.requests()).containsExactly(new TestServer.Request("/w", null));
  }

  @Test
  void anOffsetIsAskedForWithARangeRequest() throws Exception {
    byte[] content = bytes(200_000, 2);
    server.file("/w", content);
    try (HttpSource.Body body = source().open(server.url("/w"), 150_000, content.length)) {
      assertThat(body.start()).isEqualTo(150_000);
      assertThat(body.total()).isEqualTo(200_000);
      assertThat(body.readAllBytes()).isEqualTo(Arrays.copyOfRange(content, 150_000, 200_000));
    }
    assertThat(server.requests()).extracting(TestServer.Request::range).containsExactly("bytes=150000-");
  }

  @Test
  void aServerIgnoringTheRangeSendsTheWholeFileFromByteZero() throws Exception {
    byte[] content = bytes(100_000, 3);
    server.file("/w", content).ignoreRanges();
    try (HttpSource.Body body = source().open(server.url("/w"), 40_000, content.length)) {
      assertThat(body.start()).isZero();
      assertThat(body.readAllBytes()).isEqualTo(content);
    }
    assertThat(server.requests()).extracting(TestServer.Request::range).containsExactly("bytes=40000-");
  }

  @Test
  void aRangeBeyondTheFileIsRefusedAndTheWholeFileAskedFor() throws Exception {
    byte[] content = bytes(1_000, 4);
    server.file("/w", content);
    try (HttpSource.Body body = source().open(server.url("/w"), 5_000, -1)) {
      assertThat(body.start()).isZero();
      assertThat(body.readAllBytes()).isEqualTo(content);
    }
    assertThat(server.requests()).extracting(TestServer.Request::range).containsExactly("bytes=5000-", null);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "401|HTTP 401 (access denied)",
      "403|HTTP 403 (access denied)",
      "404|HTTP 404 (the file is not there)",
      "410|HTTP 410 (the file is not there)",
      "429|HTTP 429 (too many requests: try again later)",
      "500|HTTP 500 (a server error: try again later)",
      "503|HTTP 503 (a server error: try again later)",
      "418|HTTP 418"})
  void anErrorStatusIsAFailureThatSaysWhatItMeans(int status, String message) {
    server.status("/w", status);
    assertThatThrownBy(() -> source().open(server.url("/w"), 0, 10))
        .isInstanceOfSatisfying(HttpSource.Failure.class, f -> assertThat(f.wrongContent()).isFalse())
        .hasMessage(message);
    assertThat(server.requests()).hasSize(1); // a status is a verdict: not retried
  }

  @Test
  void redirectsAreFollowed() throws Exception {
    byte[] content = bytes(3_000, 5);
    server.file("/real", content).redirect("/moved", "/real");
    try (HttpSource.Body body = source().open(server.url("/moved"), 0, content.length)) {
      assertThat(body.readAllBytes()).isEqualTo(content);
    }
    assertThat(server.requests()).extracting(TestServer.Request::path).containsExactly("/moved", "/real");
  }

  @Test
  void aRedirectTheClientDoesNotFollowSaysSo() {
    server.file("/real", bytes(10, 6)).redirect("/moved", "/real");
    HttpClient neverFollows = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    HttpSource source = new HttpSource(new HttpSource.Settings(neverFollows, LONG, LONG, LONG, 5, Duration.ZERO));
    assertThatThrownBy(() -> source.open(server.url("/moved"), 0, 10))
        .isInstanceOf(HttpSource.Failure.class)
        .hasMessage("HTTP 302 (a redirect the HTTP client did not follow, e.g. from https to http)");
  }

  @Test
  void anAnnouncedSizeOtherThanTheExpectedOneIsWrongContent() {
    server.file("/w", bytes(10_000, 7));
    assertThatThrownBy(() -> source().open(server.url("/w"), 0, 9_999))
        .isInstanceOfSatisfying(HttpSource.Failure.class, f -> assertThat(f.wrongContent()).isTrue())
        .hasMessage("serves 10000 bytes but the published size is 9999 (a different or changed file)");
    // a resumed download checks the total in Content-Range
    assertThatThrownBy(() -> source().open(server.url("/w"), 5_000, 10_001))
        .isInstanceOfSatisfying(HttpSource.Failure.class, f -> assertThat(f.wrongContent()).isTrue())
        .hasMessageContaining("serves 10000 bytes but the published size is 10001");
  }

  @Test
  void aBodyEndingEarlyIsResumedWhereItStopped() throws Exception {
    byte[] content = bytes(1_000_000, 8);
    server.file("/w", content).noLength().cut(300_000, 1);
    try (HttpSource.Body body = source().open(server.url("/w"), 0, content.length)) {
      assertThat(body.readAllBytes()).isEqualTo(content);
    }
    assertThat(server.requests()).extracting(TestServer.Request::range).containsExactly(null, "bytes=300000-");
  }

  @Test
  void aConnectionBrokenBeforeTheAnnouncedLengthIsResumed() throws Exception {
    byte[] content = bytes(1_000_000, 9);
    server.file("/w", content).cut(300_000, 1);
    try (HttpSource.Body body = source().open(server.url("/w"), 0, content.length)) {
      assertThat(body.readAllBytes()).isEqualTo(content);
    }
    assertThat(server.requests()).hasSize(2);
    long resumedAt = Long.parseLong(server.requests().get(1).range().replaceAll("\\D", ""));
    assertThat(resumedAt).isBetween(1L, 300_000L);
  }

  @Test
  void aStalledBodyTimesOutAndIsResumed() throws Exception {
    byte[] content = bytes(500_000, 10);
    server.file("/w", content).stall(200_000, 1);
    try (HttpSource.Body body = source(5, Duration.ofMillis(300)).open(server.url("/w"), 0, content.length)) {
      assertThat(body.readAllBytes()).isEqualTo(content);
    }
    assertThat(server.requests()).extracting(TestServer.Request::range).containsExactly(null, "bytes=200000-");
  }

  @Test
  void aServerIgnoringTheRangeOnResumeIsReadPastWhatWasAlreadyRead() throws Exception {
    byte[] content = bytes(400_000, 11);
    server.file("/w", content).noLength().ignoreRanges().cut(150_000, 1);
    try (HttpSource.Body body = source().open(server.url("/w"), 0, content.length)) {
      assertThat(body.readAllBytes()).isEqualTo(content);
      assertThat(body.start()).isZero();
    }
    assertThat(server.requests()).extracting(TestServer.Request::range).containsExactly(null, "bytes=150000-");
  }

  @Test
  void afterTheLastAttemptABodyEndingEarlyFails() throws Exception {
    byte[] content = bytes(100_000, 12);
    server.file("/w", content).noLength().ignoreRanges().cut(1_000, 10);
    try (HttpSource.Body body = source(3, LONG).open(server.url("/w"), 0, content.length)) {
      assertThatThrownBy(body::readAllBytes)
          .isInstanceOfSatisfying(HttpSource.Failure.class, f -> assertThat(f.wrongContent()).isFalse())
          .hasMessage("the server closed the connection 3 times before the end (at byte 1000 of 100000)");
    }
    assertThat(server.requests()).hasSize(3);
  }

  @Test
  void afterTheLastAttemptABrokenConnectionFailsWithTheLastError() throws Exception {
    byte[] content = bytes(100_000, 13);
    server.file("/w", content).ignoreRanges().cut(1_000, 10);
    try (HttpSource.Body body = source(2, LONG).open(server.url("/w"), 0, content.length)) {
      assertThatThrownBy(body::readAllBytes)
          .isInstanceOf(HttpSource.Failure.class)
          .hasMessageStartingWith("the connection broke 2 times (last: IOException")
          .hasMessageEndingWith("of 100000)");
    }
    assertThat(server.requests()).hasSize(2);
  }

  @Test
  void aServerThatNeverAnswersTimesOut() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      URI url = URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/w");
      HttpSource source = new HttpSource(
          new HttpSource.Settings(null, LONG, Duration.ofMillis(200), LONG, 5, Duration.ZERO));
      assertThatThrownBy(() -> source.open(url, 0, 10))
          .isInstanceOf(HttpSource.Failure.class)
          .hasMessageStartingWith("cannot connect (HttpTimeoutException");
    }
  }

  @Test
  void aRefusedConnectionIsAFailure() throws Exception {
    int port;
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = closed.getLocalPort();
    }
    assertThatThrownBy(() -> source().open(URI.create("http://127.0.0.1:" + port + "/w"), 0, 10))
        .isInstanceOf(HttpSource.Failure.class)
        .hasMessageStartingWith("cannot connect (ConnectException");
  }

  @Test
  void anInterruptedWaitForTheServerIsAnInterruptedIoException() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      URI url = URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/w");
      Thread.currentThread().interrupt();
      try {
        assertThatThrownBy(() -> source().open(url, 0, 10))
            .isInstanceOf(InterruptedIOException.class)
            .hasMessage("interrupted while downloading " + url);
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
      } finally {
        Thread.interrupted();
      }
    }
  }

  @Test
  void aClosedBodyRefusesToRead() throws Exception {
    server.file("/w", bytes(100, 14));
    HttpSource.Body body = source().open(server.url("/w"), 0, 100);
    body.close();
    body.close();
    assertThatThrownBy(body::read).isInstanceOf(IOException.class).hasMessageContaining("is closed");
  }
}
