package org.linkway.platform.streams;

import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.linkway.events.ContractAgreed;
import org.linkway.events.ServiceListed;
import org.linkway.platform.kafka.Topic;
import org.linkway.platform.kafka.Topics;

/**
 * A second key of a global table's records ({@link GlobalTables}): each record filed under each of its terms (none,
 * one or several), so that a reader takes the records of one term by a prefix read ({@link ReferenceTable#under})
 * instead of reading the whole table and keeping what matches. Declared here with the table's topic, so that every
 * instance holding the table keeps its indexes, in the table's own store (see {@link GlobalTables} for how they are
 * kept and made again at a start).
 *
 * <p>The terms must depend on the record's value only, and must not contain the NUL character ({@link #MARK}).
 */
public final class TableIndex<V> {

  /** The directory's services under each commissioner that commissions them: what routing reads for a referral's ICB. */
  public static final TableIndex<ServiceListed> SERVICES_BY_COMMISSIONER =
      new TableIndex<>(Topics.PROVIDER_DIRECTORY, "by-commissioner", ServiceListed::getCommissioners);

  /**
   * The directory's services under their provider: what a provider's own pages, a listing's provider name and the
   * directory's pages ({@code GET /providers}, by a range of providers) read.
   */
  public static final TableIndex<ServiceListed> SERVICES_BY_PROVIDER =
      new TableIndex<>(Topics.PROVIDER_DIRECTORY, "by-provider", service -> List.of(service.getProviderId()));

  /** The contracts under their commissioner and provider ({@link #party}): what funding reads to find one's contract. */
  public static final TableIndex<ContractAgreed> CONTRACTS_BY_PARTY = new TableIndex<>(Topics.FUNDING_CONTRACTS, "by-party",
      contract -> List.of(party(contract.getCommissioner(), contract.getProviderId())));

  /** The contracts under their commissioner: what the commissioner's list of its contracts reads. */
  public static final TableIndex<ContractAgreed> CONTRACTS_BY_COMMISSIONER = new TableIndex<>(Topics.FUNDING_CONTRACTS,
      "by-commissioner", contract -> List.of(contract.getCommissioner()));

  private static final List<TableIndex<?>> ALL =
      List.of(SERVICES_BY_COMMISSIONER, SERVICES_BY_PROVIDER, CONTRACTS_BY_PARTY, CONTRACTS_BY_COMMISSIONER);

  /**
   * Begins every index entry's key in a table's store, and no record's: a record keyed with it is not kept
   * ({@link GlobalTables}). The index entries sort before every record, so a whole read starts after them.
   */
  static final String MARK = "\u0000";

  /**
   * The least character greater than {@link #MARK}: a term followed by it sorts after every entry of that term and
   * before every entry of a greater term, so a range of an index starts after a term, or ends after the index, with it.
   */
  static final String AFTER_TERM = "\u0001";

  /** The first key a record can have (none is empty): a whole read of a table ranges from here. */
  static final String FIRST_RECORD_KEY = "\u0001";

  private final Topic<?> topic;
  private final String name;
  private final Function<V, Collection<String>> termsOf;

  TableIndex(Topic<? extends V> topic, String name, Function<V, Collection<String>> termsOf) {
    this.topic = topic;
    this.name = name;
    this.termsOf = termsOf;
  }

  public String name() {
    return name;
  }

  /** The terms a record of the table is filed under. */
  public Collection<String> termsOf(V value) {
    return termsOf.apply(value);
  }

  /** The term of {@link #CONTRACTS_BY_PARTY}: "{commissioner}|{providerId}". */
  public static String party(String commissioner, String providerId) {
    return commissioner + "|" + providerId;
  }

  /** The indexes declared for {@code topic}'s table. */
  @SuppressWarnings("unchecked")
  static <V extends SpecificRecord> List<TableIndex<V>> of(Topic<V> topic) {
    return ALL.stream().filter(index -> index.topic.name().equals(topic.name())).map(index -> (TableIndex<V>) index)
        .toList();
  }

  /** Where this index keeps its entries, in its table's store. */
  String entries() {
    return MARK + name + MARK;
  }

  /** The term of an entry of this index, from its key ({@link #entriesOf}). */
  String termOf(String entryKey) {
    return entryKey.substring(entries().length(), entryKey.indexOf(MARK, entries().length()));
  }

  /** Where this index keeps the entries of {@code term}; each entry's key goes on with its record's key. */
  String entriesOf(String term) {
    return entries() + term + MARK;
  }
}
