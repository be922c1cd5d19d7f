package org.linkway.platform.observability;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A W3C trace context, as the {@code traceparent} header carries it on HTTP and on Kafka records:
 * {@code 00-<trace id, 32 hex>-<parent span id, 16 hex>-<flags, 2 hex>}. The services' HTTP side
 * reads and writes it through Micrometer Tracing; their Kafka Streams side, which Micrometer does
 * not instrument, reads and writes it with this class.
 *
 * @see <a href="https://www.w3.org/TR/trace-context/#traceparent-header">W3C Trace Context</a>
 */
public record Traceparent(String traceId, String spanId, String flags) {

  public static final String HEADER = "traceparent";

  private static final Pattern FORMAT =
      Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?");
  private static final String INVALID_TRACE_ID = "0".repeat(32);
  private static final String INVALID_SPAN_ID = "0".repeat(16);
  private static final HexFormat HEX = HexFormat.of();

  /** A header value, if it is a valid one (version 00, or a later version whose first fields read as 00's). */
  public static Optional<Traceparent> parse(String value) {
    if (value == null) return Optional.empty();
    Matcher m = FORMAT.matcher(value.trim());
    if (!m.matches()) return Optional.empty();
    String version = m.group(1);
    if (version.equals("ff") || (version.equals("00") && m.group(5) != null)) return Optional.empty();
    if (m.group(2).equals(INVALID_TRACE_ID) || m.group(3).equals(INVALID_SPAN_ID)) return Optional.empty();
    return Optional.of(new Traceparent(m.group(2), m.group(3), m.group(4)));
  }

  /** The trace context a record carries (its last {@code traceparent} header), if it carries a valid one. */
  public static Optional<Traceparent> from(Headers headers) {
    Header header = headers == null ? null : headers.lastHeader(HEADER);
    return header == null || header.value() == null
        ? Optional.empty()
        : parse(new String(header.value(), StandardCharsets.UTF_8));
  }

  /** A new trace, for what starts without one; sampled, as no caller decided otherwise. */
  public static Traceparent newTrace() {
    return new Traceparent(randomHex(16), randomHex(8), "01");
  }

  /** The same trace, a new span in it. */
  public Traceparent child() {
    return new Traceparent(traceId, randomHex(8), flags);
  }

  /** The header value. */
  public String value() {
    return "00-" + traceId + "-" + spanId + "-" + flags;
  }

  /** A copy of {@code headers} carrying this trace context in place of theirs; {@code headers} is left as it was. */
  public Headers onto(Headers headers) {
    RecordHeaders copy = new RecordHeaders(headers == null ? new Header[0] : headers.toArray());
    copy.remove(HEADER);
    copy.add(HEADER, value().getBytes(StandardCharsets.UTF_8));
    return copy;
  }

  private static String randomHex(int bytes) {
    byte[] id = new byte[bytes];
    do {
      ThreadLocalRandom.current().nextBytes(id);
    } while (allZero(id));
    return HEX.formatHex(id);
  }

  private static boolean allZero(byte[] id) {
    for (byte b : id) {
      if (b != 0) return false;
    }
    return true;
  }
}
