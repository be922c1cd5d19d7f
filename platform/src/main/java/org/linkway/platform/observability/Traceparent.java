package org.linkway.platform.observability;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
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

  /** The length of a version 00 value: 2 + 1 + 32 + 1 + 16 + 1 + 2. */
  private static final int LENGTH = 55;
  private static final String INVALID_TRACE_ID = "0".repeat(32);
  private static final String INVALID_SPAN_ID = "0".repeat(16);
  private static final HexFormat HEX = HexFormat.of();

  /**
   * A header value, if it is a valid one (version 00, or a later version whose first fields read as 00's):
   * {@code <version 2 hex>-<trace id 32 hex>-<span id 16 hex>-<flags 2 hex>}, lower-case hex, then nothing
   * for version 00 and anything after a '-' for a later one. Read character by character, not with a
   * regular expression: every processor of every topology reads it for every record (issue 19).
   */
  public static Optional<Traceparent> parse(String value) {
    if (value == null) return Optional.empty();
    String v = value.trim();
    if (v.length() < LENGTH || !hex(v, 0, 2) || v.charAt(2) != '-' || !hex(v, 3, 35) || v.charAt(35) != '-'
        || !hex(v, 36, 52) || v.charAt(52) != '-' || !hex(v, 53, LENGTH)) {
      return Optional.empty();
    }
    boolean more = v.length() > LENGTH;
    if (more && (v.charAt(LENGTH) != '-' || breaksLine(v, LENGTH + 1))) return Optional.empty();
    if (v.startsWith("ff") || (v.startsWith("00") && more)) return Optional.empty();
    String traceId = v.substring(3, 35);
    String spanId = v.substring(36, 52);
    if (traceId.equals(INVALID_TRACE_ID) || spanId.equals(INVALID_SPAN_ID)) return Optional.empty();
    return Optional.of(new Traceparent(traceId, spanId, v.substring(53, LENGTH)));
  }

  /** Whether {@code s} from {@code from} to before {@code to} is lower-case hex digits. */
  private static boolean hex(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
  }

  /** Whether what follows a later version's fields has a line break (which the format's "anything" is not). */
  private static boolean breaksLine(String s, int from) {
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') return true;
    }
    return false;
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
