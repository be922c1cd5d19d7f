package org.linkway.platform.streams;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.linkway.platform.kafka.Topic;

/**
 * Real {@link TableView}s holding given rows, for unit tests outside the platform: the rows are
 * applied as records of the topic would be, and the view is never started, so no Kafka is needed.
 * It lives in the platform's package because the view's constructor and {@code apply} are
 * package-private.
 */
public final class Tables {

  private Tables() {}

  public static <V extends SpecificRecord> TableView<V> of(Topic<V> topic, Map<String, V> rows) {
    TableView<V> view = new TableView<>(topic, null);
    rows.forEach((key, value) -> view.apply(new ConsumerRecord<>(topic.name(), 0, 0L, key, value)));
    return view;
  }
}
