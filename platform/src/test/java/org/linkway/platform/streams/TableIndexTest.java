package org.linkway.platform.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkway.events.ContractAgreed;
import org.linkway.events.NeedCode;
import org.linkway.events.ServiceListed;
import org.linkway.events.ServiceStatus;
import org.linkway.platform.domain.Funding;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.testing.SelfDescribingAvro;

/**
 * The indexes declared for the directory and the contracts ({@link TableIndex}), kept in their global tables' stores
 * as records arrive, driven by {@link TopologyTestDriver}: a record is under each of its terms and no other, moves when
 * its terms change, leaves with its tombstone, and a read by key or of the whole table never meets an index entry.
 */
class TableIndexTest {

  @TempDir
  Path stateDir;

  private TopologyTestDriver driver;
  private TestInputTopic<String, SpecificRecord> services;
  private TestInputTopic<String, SpecificRecord> contractsIn;
  private ReferenceTable<ServiceListed> directory;
  private ReferenceTable<ContractAgreed> contracts;

  @BeforeEach
  void setUp() {
    StreamsBuilder builder = new StreamsBuilder();
    GlobalTables.add(builder, SelfDescribingAvro.serdes(), Topics.PROVIDER_DIRECTORY);
    GlobalTables.add(builder, SelfDescribingAvro.serdes(), Topics.FUNDING_CONTRACTS);
    driver = SelfDescribingAvro.driver(builder, "table-index-test", stateDir);
    services = SelfDescribingAvro.input(driver, Topics.PROVIDER_DIRECTORY);
    contractsIn = SelfDescribingAvro.input(driver, Topics.FUNDING_CONTRACTS);
    directory = ReferenceTable.over(
        () -> driver.<String, ServiceListed>getKeyValueStore(GlobalTables.storeOf(Topics.PROVIDER_DIRECTORY)), v -> v);
    contracts = ReferenceTable.over(
        () -> driver.<String, ContractAgreed>getKeyValueStore(GlobalTables.storeOf(Topics.FUNDING_CONTRACTS)), v -> v);
  }

  @AfterEach
  void tearDown() {
    driver.close();
  }

  @Test
  void givenAServiceOfTwoCommissioners_whenItsCommissionersChange_thenItLeavesTheOldOnesAndJoinsTheNew() {
    services.pipeInput("svc-1", service("svc-1", "QMM", "QOC"));
    services.pipeInput("svc-2", service("svc-2", "QOC"));

    assertThat(ids(TableIndex.SERVICES_BY_COMMISSIONER, "QMM")).containsExactly("svc-1");
    assertThat(ids(TableIndex.SERVICES_BY_COMMISSIONER, "QOC")).containsExactly("svc-1", "svc-2");

    services.pipeInput("svc-1", service("svc-1", "QOC", "QUE"));

    assertThat(ids(TableIndex.SERVICES_BY_COMMISSIONER, "QMM")).isEmpty();
    assertThat(ids(TableIndex.SERVICES_BY_COMMISSIONER, "QOC")).containsExactly("svc-1", "svc-2");
    assertThat(ids(TableIndex.SERVICES_BY_COMMISSIONER, "QUE")).containsExactly("svc-1");
    assertThat(directory.under(TableIndex.SERVICES_BY_COMMISSIONER, "QUE")).singleElement()
        .satisfies(listed -> assertThat(listed.getCommissioners()).containsExactly("QOC", "QUE"));
  }

  @Test
  void givenAListedService_whenItsTombstoneArrives_thenNoCommissionerHasIt() {
    services.pipeInput("svc-1", service("svc-1", "QMM", "QOC"));

    services.pipeInput("svc-1", (SpecificRecord) null);

    assertThat(ids(TableIndex.SERVICES_BY_COMMISSIONER, "QMM")).isEmpty();
    assertThat(ids(TableIndex.SERVICES_BY_COMMISSIONER, "QOC")).isEmpty();
    assertThat(directory.values()).isEmpty();
  }

  @Test
  void givenAContract_whenItIsReplacedForAnotherProviderAndThenRemoved_thenItIsUnderItsPartyOnly() {
    contractsIn.pipeInput("c-1", contract("c-1", "QMM", "prov-1"));
    contractsIn.pipeInput("c-2", contract("c-2", "QMM", "prov-1"));
    contractsIn.pipeInput("c-3", contract("c-3", "QOC", "prov-1"));

    assertThat(contractIds("QMM", "prov-1")).containsExactly("c-1", "c-2");
    assertThat(contractIds("QOC", "prov-1")).containsExactly("c-3");

    contractsIn.pipeInput("c-1", contract("c-1", "QMM", "prov-2"));

    assertThat(contractIds("QMM", "prov-1")).containsExactly("c-2");
    assertThat(contractIds("QMM", "prov-2")).containsExactly("c-1");

    contractsIn.pipeInput("c-2", contractBuilder("c-2", "QMM", "prov-1").setValidTo(LocalDate.of(2026, 12, 31)).build());

    assertThat(contracts.under(TableIndex.CONTRACTS_BY_PARTY, TableIndex.party("QMM", "prov-1"))).singleElement()
        .satisfies(replaced -> assertThat(replaced.getValidTo()).isEqualTo(LocalDate.of(2026, 12, 31)));

    contractsIn.pipeInput("c-2", (SpecificRecord) null);

    assertThat(contractIds("QMM", "prov-1")).isEmpty();
    assertThat(contracts.get("c-1")).map(ContractAgreed::getProviderId).contains("prov-2");
  }

  @Test
  void givenIndexedTables_whenReadByKeyOrWhole_thenOnlyTheirRecordsComeBack() {
    services.pipeInput("svc-1", service("svc-1", "QMM", "QOC"));
    services.pipeInput("svc-2", service("svc-2", "QOC"));

    assertThat(directory.values()).extracting(ServiceListed::getServiceId).containsExactly("svc-1", "svc-2");
    assertThat(directory.withPrefix("svc-")).hasSize(2);
    assertThat(directory.get("svc-2")).map(ServiceListed::getServiceId).contains("svc-2");
    assertThat(directory.under(TableIndex.SERVICES_BY_COMMISSIONER, "QM")).as("a term is matched whole").isEmpty();
  }

  @Test
  void givenRecordsKeyedWhereTheIndexesAre_whenTheyArrive_thenTheyAreNotKept() {
    services.pipeInput(TableIndex.MARK + "by-commissioner" + TableIndex.MARK + "QMM" + TableIndex.MARK + "x",
        service("x", "QOC"));

    services.pipeInput("", service("y", "QOC"));

    assertThat(directory.values()).isEmpty();
    assertThat(ids(TableIndex.SERVICES_BY_COMMISSIONER, "QMM")).isEmpty();
    assertThat(ids(TableIndex.SERVICES_BY_COMMISSIONER, "QOC")).isEmpty();
  }

  @Test
  void givenManyChangesAtRandom_whenEachCommissionerIsReadByTheIndex_thenItHasWhatTheWholeTableHas() {
    Random random = new Random(16);
    List<String> icbs = List.of("QMM", "QOC", "QUE", "QHG", "QJK");
    for (int step = 0; step < 400; step++) {
      String id = "svc-" + random.nextInt(25);
      if (random.nextInt(6) == 0) {
        services.pipeInput(id, (SpecificRecord) null);
      } else {
        List<String> commissioners = new ArrayList<>(icbs.stream().filter(icb -> random.nextInt(3) == 0).toList());
        services.pipeInput(id, service(id, commissioners.toArray(String[]::new)));
      }
      if (step % 20 == 0 || step == 399) {
        for (String icb : icbs) {
          assertThat(directory.under(TableIndex.SERVICES_BY_COMMISSIONER, icb)).as("%s after step %d", icb, step)
              .isEqualTo(directory.values().stream().filter(s -> s.getCommissioners().contains(icb)).toList());
        }
      }
    }
  }

  @Test
  void givenManyChangesAtRandom_whenEachProviderIsReadByTheIndexAndTheDirectoryByPages_thenTheyHoldWhatTheWholeTableHas() {
    Random random = new Random(1616);
    List<String> providers = List.of("prov-a", "prov-b", "prov-c", "prov-d", "prov-e", "prov-f", "prov-g");
    for (int step = 0; step < 500; step++) {
      String id = "svc-" + random.nextInt(30);
      if (random.nextInt(6) == 0) {
        services.pipeInput(id, (SpecificRecord) null);
      } else {
        String provider = providers.get(random.nextInt(providers.size()));
        services.pipeInput(id, ServiceListed.newBuilder(service(id, "QMM")).setProviderId(provider)
            .setProviderName("Provider " + provider + " " + step).build());
      }
      if (step % 25 == 0 || step == 499) {
        for (String provider : providers) {
          assertThat(directory.under(TableIndex.SERVICES_BY_PROVIDER, provider)).as("%s after step %d", provider, step)
              .isEqualTo(directory.values().stream().filter(s -> s.getProviderId().equals(provider)).toList());
        }
        int limit = 1 + random.nextInt(3);
        for (String provider : providers) {
          assertThat(servicePagesOf(provider, limit)).as("%s's services by pages of %d after step %d", provider, limit, step)
              .isEqualTo(directory.values().stream().filter(s -> s.getProviderId().equals(provider))
                  .map(ServiceListed::getServiceId).toList());
        }
        assertThat(List.copyOf(pagesOf(limit).entrySet())).as("pages of %d after step %d", limit, step)
            .isEqualTo(List.copyOf(byProvider(directory.values()).entrySet()));
        java.util.Map<String, String> first = new java.util.LinkedHashMap<>();
        byProvider(directory.values()).entrySet().stream().limit(limit + 2).forEach(e -> first.put(e.getKey(), e.getValue().get(0)));
        assertThat(List.copyOf(directory.firstUnder(TableIndex.SERVICES_BY_PROVIDER, null, limit + 2).entrySet()).stream()
            .map(e -> java.util.Map.entry(e.getKey(), e.getValue().getServiceId())).toList())
            .as("the first service of each of the first %d providers after step %d", limit + 2, step)
            .isEqualTo(List.copyOf(first.entrySet()));
      }
    }
    assertThat(byProvider(directory.values())).as("several providers to page through").hasSizeGreaterThan(4);
  }

  @Test
  void givenAProviderWithManyServices_whenAPageOfItsServicesIsRead_thenAPageAndOneMoreAreReadWhateverTheTableHolds() {
    int[] read = {0};
    ReferenceTable<ServiceListed> counted = ReferenceTable.over(
        () -> driver.<String, ServiceListed>getKeyValueStore(GlobalTables.storeOf(Topics.PROVIDER_DIRECTORY)), v -> {
          read[0]++;
          return v;
        });
    for (int i = 0; i < 400; i++) {
      String id = "svc-%03d".formatted(i);
      // "walk" and "walk-2" begin alike: a page of one must not take the other's
      services.pipeInput(id, ServiceListed.newBuilder(service(id, "QMM")).setProviderId(i % 4 == 0 ? "walk-2" : "walk").build());
    }

    StoreQueries.Page<ServiceListed> first = counted.under(TableIndex.SERVICES_BY_PROVIDER, "walk", null, 5);

    assertThat(first.values()).extracting(ServiceListed::getServiceId)
        .containsExactly("svc-001", "svc-002", "svc-003", "svc-005", "svc-006");
    assertThat(first.next()).isEqualTo("svc-006");
    assertThat(read[0]).as("values read for a page of 5 of the provider's 300 among 400").isLessThanOrEqualTo(6);
    read[0] = 0;
    StoreQueries.Page<ServiceListed> second = counted.under(TableIndex.SERVICES_BY_PROVIDER, "walk", first.next(), 5);
    assertThat(second.values()).extracting(ServiceListed::getServiceId).first().isEqualTo("svc-007");
    assertThat(read[0]).isLessThanOrEqualTo(6);
    StoreQueries.Page<ServiceListed> last = counted.under(TableIndex.SERVICES_BY_PROVIDER, "walk-2", "svc-392", 5);
    assertThat(last.values()).extracting(ServiceListed::getServiceId).containsExactly("svc-396");
    assertThat(last.next()).isNull();
    read[0] = 0;
    assertThat(counted.firstUnder(TableIndex.SERVICES_BY_PROVIDER, null, 5)).extractingFromEntries(e -> e.getKey() + " " + e.getValue().getServiceId())
        .containsExactly("walk svc-001", "walk-2 svc-000");
    assertThat(read[0]).as("values read for the first of each of two providers").isEqualTo(2);
  }

  @Test
  void givenProvidersWhoseIdsBeginAlike_whenTheDirectoryIsReadByPages_thenEachIsOnItsOwnPageOnce() {
    services.pipeInput("svc-1", ServiceListed.newBuilder(service("svc-1", "QMM")).setProviderId("walk").build());
    services.pipeInput("svc-2", ServiceListed.newBuilder(service("svc-2", "QMM")).setProviderId("walk-2").build());
    services.pipeInput("svc-3", ServiceListed.newBuilder(service("svc-3", "QMM")).setProviderId("walk").build());
    services.pipeInput("svc-4", ServiceListed.newBuilder(service("svc-4", "QMM")).setProviderId("walka").build());

    ReferenceTable.Filed<ServiceListed> first = directory.filed(TableIndex.SERVICES_BY_PROVIDER, null, 1);
    assertThat(first.byTerm()).containsOnlyKeys("walk");
    assertThat(first.byTerm().get("walk")).extracting(ServiceListed::getServiceId).containsExactly("svc-1", "svc-3");
    assertThat(first.next()).isEqualTo("walk");
    ReferenceTable.Filed<ServiceListed> second = directory.filed(TableIndex.SERVICES_BY_PROVIDER, "walk", 1);
    assertThat(second.byTerm()).containsOnlyKeys("walk-2");
    ReferenceTable.Filed<ServiceListed> last = directory.filed(TableIndex.SERVICES_BY_PROVIDER, "walk-2", 5);
    assertThat(last.byTerm()).containsOnlyKeys("walka");
    assertThat(last.next()).isNull();
    assertThat(directory.filed(TableIndex.SERVICES_BY_PROVIDER, "walka", 5).byTerm()).isEmpty();
    assertThat(directory.filed(TableIndex.SERVICES_BY_COMMISSIONER, null, 5).byTerm())
        .as("another index of the same table is its own").containsOnlyKeys("QMM");
  }

  @Test
  void givenManyContractsAtRandom_whenEachCommissionerIsReadByTheIndex_thenItHasWhatTheWholeTableHas() {
    Random random = new Random(1617);
    List<String> commissioners = List.of("QMM", "QOC", "QUE", "QHG");
    for (int step = 0; step < 300; step++) {
      String id = "c-" + random.nextInt(30);
      if (random.nextInt(7) == 0) {
        contractsIn.pipeInput(id, (SpecificRecord) null);
      } else {
        contractsIn.pipeInput(id, contract(id, commissioners.get(random.nextInt(commissioners.size())), "prov-" + random.nextInt(3)));
      }
      if (step % 20 == 0 || step == 299) {
        for (String commissioner : commissioners) {
          assertThat(contracts.under(TableIndex.CONTRACTS_BY_COMMISSIONER, commissioner)).as("%s after step %d", commissioner, step)
              .isEqualTo(contracts.values().stream().filter(c -> c.getCommissioner().equals(commissioner)).toList());
        }
      }
    }
  }

  /** The provider's services, {@code limit} a page, each page from the last one's next. */
  private List<String> servicePagesOf(String provider, int limit) {
    List<String> read = new ArrayList<>();
    String after = null;
    do {
      StoreQueries.Page<ServiceListed> page = directory.under(TableIndex.SERVICES_BY_PROVIDER, provider, after, limit);
      assertThat(page.values().size()).isLessThanOrEqualTo(limit);
      if (page.next() != null) assertThat(page.values()).hasSize(limit);
      page.values().forEach(listed -> read.add(listed.getServiceId()));
      after = page.next();
    } while (after != null);
    return read;
  }

  /** Every page of the directory by provider, {@code limit} providers a page, each page from the last one's next. */
  private java.util.Map<String, List<String>> pagesOf(int limit) {
    java.util.Map<String, List<String>> read = new java.util.LinkedHashMap<>();
    String after = null;
    do {
      ReferenceTable.Filed<ServiceListed> page = directory.filed(TableIndex.SERVICES_BY_PROVIDER, after, limit);
      assertThat(page.byTerm().size()).isLessThanOrEqualTo(limit);
      page.byTerm().forEach((provider, listed) -> assertThat(read.put(provider, ids(listed))).as("%s twice", provider).isNull());
      after = page.next();
    } while (after != null);
    return read;
  }

  /** The whole table's services grouped by provider, as the pages should have them: providers and services by id. */
  private static java.util.Map<String, List<String>> byProvider(List<ServiceListed> all) {
    java.util.Map<String, List<String>> grouped = new java.util.TreeMap<>();
    all.forEach(s -> grouped.computeIfAbsent(s.getProviderId(), p -> new ArrayList<>()).add(s.getServiceId()));
    return new java.util.LinkedHashMap<>(grouped);
  }

  private static List<String> ids(List<ServiceListed> listed) {
    return listed.stream().map(ServiceListed::getServiceId).toList();
  }

  @Test
  void givenManyContractsAtRandom_whenTheContractForAServiceIsFoundByTheIndex_thenItIsTheOneFoundAmongThemAll() {
    Random random = new Random(16);
    List<String> commissioners = List.of("QMM", "QOC", "QUE");
    List<String> providers = List.of("prov-1", "prov-2", "prov-3");
    List<String> serviceIds = List.of("svc-1", "svc-2", "svc-3");
    for (int step = 0; step < 300; step++) {
      String id = "c-" + random.nextInt(30);
      if (random.nextInt(8) == 0) {
        contractsIn.pipeInput(id, (SpecificRecord) null);
        continue;
      }
      LocalDate from = LocalDate.of(2026, 4, 1).plusDays(random.nextInt(200));
      contractsIn.pipeInput(id, contractBuilder(id, commissioners.get(random.nextInt(3)), providers.get(random.nextInt(3)))
          .setServiceIds(serviceIds.stream().filter(s -> random.nextInt(4) == 0).toList())
          .setValidFrom(from).setValidTo(from.plusDays(random.nextInt(200))).build());
    }
    for (String commissioner : commissioners) {
      for (String provider : providers) {
        for (String serviceId : serviceIds) {
          for (LocalDate day = LocalDate.of(2026, 4, 1); day.isBefore(LocalDate.of(2027, 4, 1)); day = day.plusDays(17)) {
            assertThat(FundingTables.contractFor(contracts, commissioner, provider, serviceId, day))
                .as("%s %s %s %s", commissioner, provider, serviceId, day)
                .isEqualTo(Funding.contractFor(contracts.values(), commissioner, provider, serviceId, day));
          }
        }
      }
    }
    assertThat(contracts.values()).as("some contracts to choose from").hasSizeGreaterThan(10);
  }

  @Test
  void givenManyContractsAtRandom_whenACommissionersAreReadByTheIndex_thenExactlyTheirsInTheWholeTable() {
    Random random = new Random(1606);
    // QM is the start of QMM's code: a read of one commissioner's contracts must not take the other's
    List<String> commissioners = List.of("QMM", "QM", "QOC");
    List<String> providers = List.of("prov-1", "prov-2", "prov|3");
    for (int step = 1; step <= 400; step++) {
      String id = "c-" + random.nextInt(40);
      if (random.nextInt(8) == 0) contractsIn.pipeInput(id, (SpecificRecord) null);
      else contractsIn.pipeInput(id, contractBuilder(id, commissioners.get(random.nextInt(3)), providers.get(random.nextInt(3))).build());
      if (step % 50 != 0) continue;
      for (String commissioner : commissioners) {
        assertThat(contracts.under(TableIndex.CONTRACTS_BY_COMMISSIONER, commissioner).stream().map(ContractAgreed::getContractId).sorted().toList())
            .as("%s after step %d", commissioner, step)
            .isEqualTo(contracts.values().stream().filter(c -> c.getCommissioner().equals(commissioner))
                .map(ContractAgreed::getContractId).sorted().toList());
      }
    }
  }

  private List<String> ids(TableIndex<ServiceListed> index, String term) {
    return directory.under(index, term).stream().map(ServiceListed::getServiceId).toList();
  }

  private List<String> contractIds(String commissioner, String providerId) {
    return contracts.under(TableIndex.CONTRACTS_BY_PARTY, TableIndex.party(commissioner, providerId)).stream()
        .map(ContractAgreed::getContractId).toList();
  }

  static ServiceListed service(String serviceId, String... commissioners) {
    return ServiceListed.newBuilder()
        .setMetadata(Events.metadata("test", null, null))
        .setServiceId(serviceId)
        .setProviderId("prov-" + serviceId)
        .setProviderName("Provider " + serviceId)
        .setServiceName("Service " + serviceId)
        .setNeeds(List.of(NeedCode.LONELINESS))
        .setCommissioners(List.of(commissioners))
        .setPostcodeDistricts(List.of())
        .setCapacity(5)
        .setStatus(ServiceStatus.ACTIVE)
        .build();
  }

  private static ContractAgreed.Builder contractBuilder(String contractId, String commissioner, String providerId) {
    return ContractAgreed.newBuilder()
        .setMetadata(Events.metadata("test", null, null))
        .setContractId(contractId)
        .setCommissioner(commissioner)
        .setProviderId(providerId)
        .setServiceIds(List.of())
        .setValidFrom(LocalDate.of(2026, 4, 1))
        .setValidTo(LocalDate.of(2027, 3, 31))
        .setEngagementFee(new BigDecimal("50.00"));
  }

  private static ContractAgreed contract(String contractId, String commissioner, String providerId) {
    return contractBuilder(contractId, commissioner, providerId).build();
  }
}
