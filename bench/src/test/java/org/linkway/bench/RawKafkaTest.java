package org.linkway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.linkway.bench.RawKafka.E2eSummary;
import org.linkway.bench.RawKafka.ProducerSummary;

/** The parsers against output captured from kafka-tools 4.1.2 run on the local stack's broker. */
class RawKafkaTest {

  /** ProducerPerformance, 200000 records of 400 bytes, acks=all, idempotent (logback at its INFO default). */
  private static final List<String> PRODUCER_OUTPUT = List.of(
      "14:19:53.619 [main] INFO org.apache.kafka.common.utils.AppInfoParser -- Kafka version: 4.1.2",
      "14:19:54.790 [kafka-producer-network-thread | perf-producer-client] INFO "
          + "org.apache.kafka.clients.producer.internals.TransactionManager -- [Producer clientId=perf-producer-client] "
          + "ProducerId set to 2000 with epoch 0",
      "109981 records sent, 21974.2 records/sec (8.38 MB/sec), 1606.3 ms avg latency, 2314.0 ms max latency.",
      "14:19:59.114 [main] INFO org.apache.kafka.clients.producer.KafkaProducer -- [Producer clientId=perf-producer-client] "
          + "Closing the Kafka producer with timeoutMillis = 9223372036854775807 ms.",
      "14:20:00.557 [main] INFO org.apache.kafka.common.utils.AppInfoParser -- App info kafka.producer for "
          + "perf-producer-client unregistered",
      "200000 records sent, 28822.6 records/sec (10.99 MB/sec), 1841.32 ms avg latency, 2446.00 ms max latency, "
          + "1972 ms 50th, 2352 ms 95th, 2422 ms 99th, 2435 ms 99.9th.");

  /** EndToEndLatency 127.0.0.1:9092 cap-e2e 2000 all 400 (its result lines, among log lines). */
  private static final List<String> E2E_OUTPUT = List.of(
      "14:21:10.101 [main] INFO org.apache.kafka.common.utils.AppInfoParser -- Kafka version: 4.1.2",
      "0\t77.87915",
      "1000\t4.248241",
      "Avg latency: 3.1605 ms",
      "Percentiles: 50th = 1, 99th = 20, 99.9th = 137");

  @Test
  void readsTheFinalProducerSummary() {
    assertThat(RawKafka.parseProducerSummary(PRODUCER_OUTPUT.get(5))).contains(
        new ProducerSummary(200_000, 28822.6, 10.99, 1841.32, 2446.00, 1972, 2352, 2422, 2435));
  }

  @Test
  void interimProducerLinesAreNotTheSummary() {
    assertThat(RawKafka.parseProducerSummary(PRODUCER_OUTPUT.get(2))).isEmpty();
    assertThat(RawKafka.parseProducerSummary(PRODUCER_OUTPUT.get(0))).isEmpty();
  }

  @Test
  void findsTheSummaryAmongAllProducerLines() {
    assertThat(RawKafka.findProducerSummary(PRODUCER_OUTPUT))
        .hasValueSatisfying(s -> {
          assertThat(s.records()).isEqualTo(200_000);
          assertThat(s.p99Ms()).isEqualTo(2422);
        });
    assertThat(RawKafka.findProducerSummary(PRODUCER_OUTPUT.subList(0, 5))).isEmpty();
  }

  @Test
  void readsTheEndToEndAverageAndPercentiles() {
    assertThat(RawKafka.parseE2eAverage("Avg latency: 3.1605 ms")).hasValue(3.1605);
    assertThat(RawKafka.parseE2ePercentiles("Percentiles: 50th = 1, 99th = 20, 99.9th = 137"))
        .hasValueSatisfying(p -> assertThat(p).containsExactly(1, 20, 137));
    assertThat(RawKafka.findE2eSummary(E2E_OUTPUT)).contains(new E2eSummary(3.1605, 1, 20, 137));
  }

  @Test
  void endToEndNeedsBothResultLines() {
    assertThat(RawKafka.findE2eSummary(E2E_OUTPUT.subList(0, 4))).isEmpty();
    assertThat(RawKafka.findE2eSummary(List.of(E2E_OUTPUT.get(0), E2E_OUTPUT.get(4)))).isEmpty();
    assertThat(RawKafka.parseE2eAverage("0\t77.87915")).isEmpty();
  }

  @Test
  void saysTheEndToEndProgressLinesInWords() {
    assertThat(RawKafka.condenseE2eLine("1000\t4.248241", 2000))
        .isEqualTo("message 1000 of 2000: 4.25 ms round trip");
    assertThat(RawKafka.condenseE2eLine("Avg latency: 3.1605 ms", 2000)).isEqualTo("Avg latency: 3.1605 ms");
  }
}
