package org.linkway.platform.streams;

import java.util.UUID;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.kafka.EventPublisher;
import org.linkway.platform.kafka.Topic;
import org.linkway.replies.CommandReply;
import reactor.core.publisher.Mono;

/**
 * The one decider of a keyed record (a directory listing, a contract): takes the commands for it
 * one at a time per key, decides each against the record it holds with a {@link Rule}, writes what
 * it accepts to the record's topic and its answer to the service's replies topic, in one transaction, for
 * the request that sent the command ({@link Decisions}). What it holds is its own store, written in the same transaction as the
 * record, so a second command for a key sees the first one's result, not a table that has yet to
 * catch up: two claims of one id, however close, get one winner.
 *
 * <p>A key it does not hold yet is looked up in the global table of the record's topic, which the
 * service's topology must hold ({@link GlobalTables}): so it learns records written before it existed.
 * A key it holds is its own, and may be newer than what the table has yet read.
 */
public final class KeyedDecider<C extends SpecificRecord, V extends SpecificRecord>
    extends ContextualProcessor<String, SpecificRecord, String, SpecificRecord> {

  /** What a command makes of the record: the record after it (the same instance when nothing changes), or why not. */
  public record Step<V>(V value, String refusal) {
    public static <V> Step<V> accepted(V value) {
      return new Step<>(value, null);
    }

    public static <V> Step<V> refused(String reason) {
      return new Step<>(null, reason);
    }

    public boolean changes(V current) {
      return refusal == null && value != current;
    }
  }

  /** Decides one command against the record as held (null when the key has none yet). */
  @FunctionalInterface
  public interface Rule<C, V> {
    Step<V> decide(V current, String key, C command);
  }

  private final String store;
  private final Class<C> commandType;
  private final Topic<V> values;
  private final Function<C, UUID> commandId;
  private final Rule<C, V> rule;
  private KeyValueStore<String, V> held;
  private ReferenceTable<V> table;

  private KeyedDecider(String store, Topic<C> commands, Topic<V> values, Function<C, UUID> commandId, Rule<C, V> rule) {
    this.store = store;
    this.commandType = commands.valueType();
    this.values = values;
    this.commandId = commandId;
    this.rule = rule;
  }

  /**
   * Adds the decider to a topology: commands from {@code commands}, decided records to {@code values};
   * both topics keyed by the record's id, with the same number of partitions. Its answers go to
   * {@code replies}, the service's replies topic. The topology must hold the global table of {@code values}
   * ({@link GlobalTables#add}).
   */
  public static <C extends SpecificRecord, V extends SpecificRecord> KStream<String, SpecificRecord> add(
      StreamsBuilder builder, AvroSerdes serdes, String store, Topic<C> commands, Topic<V> values, Topic<CommandReply> replies,
      Function<C, UUID> commandId, Rule<C, V> rule) {
    Topologies.addStore(builder, serdes, store, values.valueType());
    KStream<String, SpecificRecord> inputs = Topologies.commands(builder, serdes, replies, commands);
    Topologies.toTopicsByType(inputs.process(() -> new KeyedDecider<>(store, commands, values, commandId, rule), store),
        serdes, values, replies);
    return inputs;
  }

  /**
   * Asks the decider of {@code commands} and answers with the record it decided, once that is committed
   * ({@link Decisions}): a caller told "yes" finds what it was told on {@code values} for every
   * read-committed reader (routing, the ledger), though a view of it may take a moment to read it.
   */
  public static <C extends SpecificRecord, V extends SpecificRecord> Mono<V> ask(Decisions decisions, EventPublisher publisher,
      Topic<C> commands, String key, C command, UUID commandId, Topic<V> values) {
    return decisions.send(publisher, commands, key, command, commandId, values.valueType());
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    super.init(context);
    this.held = context.getStateStore(store);
    this.table = GlobalTables.in(context, values);
  }

  @Override
  public void process(Record<String, SpecificRecord> record) {
    if (!commandType.isInstance(record.value())) return;
    C command = commandType.cast(record.value());
    V current = held.get(record.key());
    if (current == null) current = table.get(record.key()).orElse(null);
    Step<V> step = rule.decide(current, record.key(), command);
    UUID id = commandId.apply(command);
    if (step.refusal() != null) {
      context().forward(Decisions.reply(record, Decisions.refused(id, step.refusal())));
      return;
    }
    if (step.changes(current)) {
      held.put(record.key(), step.value());
      context().forward(record.withValue(step.value()));
    }
    context().forward(Decisions.reply(record, Decisions.accepted(id, step.value())));
  }
}
