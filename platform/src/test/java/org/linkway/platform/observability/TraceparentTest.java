package org.linkway.platform.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class TraceparentTest {

  static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String SPAN = "00f067aa0ba902b7";
  static final String VALUE = "00-" + TRACE + "-" + SPAN + "-01";

  @Test
  void aValidHeader_isReadIntoItsParts_andWrittenBackTheSame() {
    Traceparent trace = Traceparent.parse(VALUE).orElseThrow();
    assertThat(trace.traceId()).isEqualTo(TRACE);
    assertThat(trace.spanId()).isEqualTo(SPAN);
    assertThat(trace.flags()).isEqualTo("01");
    assertThat(trace.value()).isEqualTo(VALUE);
    assertThat(Traceparent.parse(" " + VALUE + " ")).contains(trace);
  }

  /** The format as the W3C text writes it, the oracle for the character-by-character reading. */
  private static final java.util.regex.Pattern W3C =
      java.util.regex.Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?");

  @Test
  void givenRandomlyAlteredValues_whenRead_thenEachIsTakenExactlyWhenTheW3cPatternTakesIt() {
    java.util.Random random = new java.util.Random(19);
    String alphabet = "0123456789abcdefABCDEF-xz \n\u2028";
    String[] starts = {VALUE, "01-" + TRACE + "-" + SPAN + "-01-more", "ff-" + TRACE + "-" + SPAN + "-00",
        "00-" + "0".repeat(32) + "-" + SPAN + "-01", "cc-" + TRACE + "-" + SPAN + "-09"};
    int taken = 0;
    for (int i = 0; i < 20_000; i++) {
      StringBuilder v = new StringBuilder(starts[random.nextInt(starts.length)]);
      for (int changes = random.nextInt(3); changes > 0; changes--) {
        int at = random.nextInt(v.length() + 1);
        char c = alphabet.charAt(random.nextInt(alphabet.length()));
        switch (random.nextInt(3)) {
          case 0 -> v.insert(at, c);
          case 1 -> { if (at < v.length()) v.deleteCharAt(at); }
          default -> { if (at < v.length()) v.setCharAt(at, c); }
        }
      }
      String value = v.toString();
      java.util.regex.Matcher m = W3C.matcher(value.trim());
      boolean expected = m.matches() && !m.group(1).equals("ff") && !(m.group(1).equals("00") && m.group(5) != null)
          && !m.group(2).equals("0".repeat(32)) && !m.group(3).equals("0".repeat(16));
      assertThat(Traceparent.parse(value).isPresent()).as(value).isEqualTo(expected);
      if (expected) {
        taken++;
        assertThat(Traceparent.parse(value).orElseThrow())
            .isEqualTo(new Traceparent(m.group(2), m.group(3), m.group(4)));
      }
    }
    assertThat(taken).isGreaterThan(1_000);
  }

  @Test
  void invalidHeaders_areNotTraces() {
    assertThat(Traceparent.parse(null)).isEmpty();
    assertThat(Traceparent.parse("")).isEmpty();
    assertThat(Traceparent.parse("00-" + TRACE + "-" + SPAN)).isEmpty(); // no flags
    assertThat(Traceparent.parse(VALUE.toUpperCase())).isEmpty(); // hex is lower case
    assertThat(Traceparent.parse("00-" + TRACE.substring(1) + "-" + SPAN + "-01")).isEmpty(); // 31 digits
    assertThat(Traceparent.parse("00-" + "0".repeat(32) + "-" + SPAN + "-01")).isEmpty(); // all-zero trace id
    assertThat(Traceparent.parse("00-" + TRACE + "-" + "0".repeat(16) + "-01")).isEmpty(); // all-zero span id
    assertThat(Traceparent.parse("ff-" + TRACE + "-" + SPAN + "-01")).isEmpty(); // version ff is forbidden
    assertThat(Traceparent.parse(VALUE + "-more")).isEmpty(); // version 00 has nothing after the flags
  }

  @Test
  void aLaterVersion_isReadByItsFirstFields() {
    assertThat(Traceparent.parse("01-" + TRACE + "-" + SPAN + "-01-whatever-comes-next"))
        .contains(new Traceparent(TRACE, SPAN, "01"));
  }

  @Test
  void fromHeaders_theLastTraceparentCounts_andNoneOrGarbageIsNone() {
    Headers headers = new RecordHeaders();
    assertThat(Traceparent.from(headers)).isEmpty();
    assertThat(Traceparent.from(null)).isEmpty();
    headers.add(Traceparent.HEADER, "not a trace".getBytes(StandardCharsets.UTF_8));
    assertThat(Traceparent.from(headers)).isEmpty();
    headers.add(Traceparent.HEADER, VALUE.getBytes(StandardCharsets.UTF_8));
    assertThat(Traceparent.from(headers).map(Traceparent::traceId)).contains(TRACE);
  }

  @Test
  void aNewTrace_isValidAndNew_andAChildKeepsTheTraceWithANewSpan() {
    Traceparent first = Traceparent.newTrace();
    Traceparent second = Traceparent.newTrace();
    assertThat(Traceparent.parse(first.value())).contains(first);
    assertThat(first.traceId()).isNotEqualTo(second.traceId());
    Traceparent child = first.child();
    assertThat(child.traceId()).isEqualTo(first.traceId());
    assertThat(child.spanId()).isNotEqualTo(first.spanId()).hasSize(16);
    assertThat(child.flags()).isEqualTo(first.flags());
  }

  @Test
  void onto_replacesTheTraceInACopy_keepingTheOtherHeaders_andLeavingTheOriginalAsItWas() {
    Headers original = new RecordHeaders();
    original.add("other", "x".getBytes(StandardCharsets.UTF_8));
    original.add(Traceparent.HEADER, Traceparent.newTrace().value().getBytes(StandardCharsets.UTF_8));
    Traceparent trace = Traceparent.parse(VALUE).orElseThrow();

    Headers copy = trace.onto(original);

    assertThat(copy.headers(Traceparent.HEADER)).hasSize(1);
    assertThat(Traceparent.from(copy)).contains(trace);
    assertThat(copy.lastHeader("other").value()).isEqualTo("x".getBytes(StandardCharsets.UTF_8));
    assertThat(Traceparent.from(original).map(Traceparent::traceId)).isNotEqualTo(java.util.Optional.of(TRACE));
    assertThat(Traceparent.from(trace.onto(null))).contains(trace);
  }
}
