package org.linkway.provider.directory.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.linkway.events.NeedCode;
import org.linkway.events.ServiceKind;
import org.linkway.events.ServiceListed;
import org.linkway.events.ServiceStatus;
import org.linkway.platform.domain.Postcodes;
import org.linkway.platform.web.ProblemException;
import org.linkway.platform.web.ProblemException.FieldProblem;
import org.linkway.provider.directory.domain.DirectoryCodes;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

class HsdsImportTest {

  static final ObjectMapper JSON = JsonMapper.builder().build();
  static final Function<String, Optional<ServiceListed>> EMPTY_DIRECTORY = id -> Optional.empty();

  /**
   * Two organisations, three services: districts from a text service area, from locations' postcodes
   * (own, nested and top-level addresses; a GeoJSON area is not read), and the whole ICB; ages on the service
   * and on an eligibility record; one term with taxonomy + code; unknown terms; an organisation attribute.
   */
  static final String SMALL = """
      {
        "linkway": {"commissioners": ["QMM"]},
        "organizations": [
          {"id": "acle-befrienders", "name": "Acle Befrienders", "description": "Phone friends for older people"},
          {"id": "dereham-growers", "name": "Dereham Growers"}
        ],
        "services": [
          {"id": "acle-phone-friends", "organization_id": "acle-befrienders", "name": "Phone friends",
           "status": "active", "minimum_age": 65, "linkway": {"capacity": 3}},
          {"id": "dereham-allotment", "organization_id": "dereham-growers", "name": "Allotment mornings",
           "status": "temporarily closed"},
          {"id": "dereham-seed-swap", "organization_id": "dereham-growers", "name": "Seed swap",
           "status": "inactive", "linkway": {"commissioners": ["QMM", "QUE"]}}
        ],
        "locations": [
          {"id": "loc-acle", "name": "Acle village hall", "addresses": [{"id": "ad-1", "postal_code": "nr13 3dy"}]},
          {"id": "loc-dereham", "name": "Dereham allotments", "postal_code": "NR19 1AA"},
          {"id": "loc-swanton", "name": "Swanton Morley"}
        ],
        "addresses": [{"id": "ad-2", "location_id": "loc-swanton", "postal_code": "NR204AB"}],
        "service_at_locations": [
          {"id": "sal-1", "service_id": "dereham-allotment", "location_id": "loc-dereham"},
          {"id": "sal-2", "service_id": "dereham-allotment", "location_id": "loc-swanton"},
          {"id": "sal-3", "service_id": "acle-phone-friends", "location_id": "loc-acle"}
        ],
        "service_areas": [
          {"id": "area-1", "service_id": "acle-phone-friends", "name": "Acle and around", "extent_type": "text",
           "extent": "NR13, nr10 NR3"},
          {"id": "area-2", "service_id": "dereham-seed-swap", "extent": "QMM"},
          {"id": "area-3", "service_id": "dereham-allotment", "extent_type": "geojson", "extent": "{\\"type\\": \\"Polygon\\"}"}
        ],
        "taxonomy_terms": [
          {"id": "t1", "code": "esdNeed:loneliness", "name": "Loneliness"},
          {"id": "t2", "code": "befriending", "taxonomy": "esdServiceType", "name": "Befriending"},
          {"id": "t3", "code": "esdServiceType:allotments", "name": "Allotments"},
          {"id": "t4", "code": "openActiveActivity:gardening", "name": "Gardening"},
          {"id": "t5", "code": "snomedCT:871731000000106", "name": "Referral to social prescribing service"},
          {"id": "t6", "code": "esdNeed:seed-saving", "name": "Seed saving"}
        ],
        "attributes": [
          {"id": "at-1", "link_id": "acle-phone-friends", "link_entity": "service", "taxonomy_term_id": "t1"},
          {"id": "at-2", "link_id": "acle-phone-friends", "taxonomy_term_id": "t2"},
          {"id": "at-3", "link_id": "acle-phone-friends", "taxonomy_term_id": "t5"},
          {"id": "at-4", "link_id": "dereham-allotment", "taxonomy_term_id": "t3"},
          {"id": "at-5", "link_id": "dereham-allotment", "taxonomy_term_id": "t4"},
          {"id": "at-6", "link_id": "dereham-seed-swap", "taxonomy_term_id": "t6"},
          {"id": "at-7", "link_id": "dereham-growers", "link_entity": "organization", "taxonomy_term_id": "t1"}
        ],
        "eligibility": [{"id": "el-1", "service_id": "dereham-allotment", "minimum_age": 16, "maximum_age": 80}]
      }
      """;

  static final Path NORFOLK = Path.of("..", "demo", "directory", "norfolk-hsds.json");

  @Test
  void givenASmallValidHsdsDirectory_whenRead_thenEachServiceIsOneListingWithProviderNeedsAreaAgesAndCapacity() {
    HsdsImport.Result result = HsdsImport.read(small(), EMPTY_DIRECTORY);

    Map<String, ServiceListed> listings = byId(result);
    assertThat(listings).containsOnlyKeys("acle-phone-friends", "dereham-allotment", "dereham-seed-swap");

    ServiceListed phone = listings.get("acle-phone-friends");
    assertThat(phone.getProviderId()).isEqualTo("acle-befrienders");
    assertThat(phone.getProviderName()).isEqualTo("Acle Befrienders");
    assertThat(phone.getServiceName()).isEqualTo("Phone friends");
    assertThat(phone.getNeeds()).containsExactly(NeedCode.LONELINESS);
    assertThat(phone.getTaxonomy())
        .containsExactly("esdNeed:loneliness", "esdServiceType:befriending", "snomedCT:871731000000106");
    assertThat(phone.getCommissioners()).containsExactly("QMM");
    assertThat(phone.getPostcodeDistricts()).as("the service area wins over the locations, in district order")
        .containsExactly("NR3", "NR10", "NR13");
    assertThat(phone.getCapacity()).isEqualTo(3);
    assertThat(phone.getStatus()).isEqualTo(ServiceStatus.ACTIVE);
    assertThat(phone.getMinAge()).isEqualTo(65);
    assertThat(phone.getMaxAge()).isNull();
    assertThat(phone.getIntakePaused()).isFalse();
    assertThat(phone.getMetadata().getProducer()).isEqualTo("provider-service");

    ServiceListed allotment = listings.get("dereham-allotment");
    assertThat(allotment.getProviderName()).isEqualTo("Dereham Growers");
    assertThat(allotment.getNeeds()).containsExactly(NeedCode.NATURE, NeedCode.PHYSICAL_ACTIVITY);
    assertThat(allotment.getPostcodeDistricts()).as("from the locations' postcodes; the GeoJSON area is not read")
        .containsExactly("NR19", "NR20");
    assertThat(allotment.getCapacity()).isEqualTo(HsdsImport.DEFAULT_CAPACITY);
    assertThat(allotment.getStatus()).isEqualTo(ServiceStatus.TEMPORARILY_CLOSED);
    assertThat(allotment.getMinAge()).isEqualTo(16);
    assertThat(allotment.getMaxAge()).isEqualTo(80);

    ServiceListed seeds = listings.get("dereham-seed-swap");
    assertThat(seeds.getNeeds()).isEmpty();
    assertThat(seeds.getTaxonomy()).containsExactly("esdNeed:seed-saving");
    assertThat(seeds.getCommissioners()).containsExactly("QMM", "QUE");
    assertThat(seeds.getPostcodeDistricts()).as("an ICB as service area: the whole area").isEmpty();
    assertThat(seeds.getStatus()).isEqualTo(ServiceStatus.INACTIVE);

    assertThat(result.organizations()).isEqualTo(2);
    assertThat(result.needsMapped()).isEqualTo(3);
    assertThat(result.unmappedTerms()).containsExactly("esdNeed:seed-saving", "snomedCT:871731000000106");
    assertThat(result.servicesWithoutNeeds()).containsExactly("dereham-seed-swap");
  }

  @Test
  void givenTermsTheNeedTableDoesNotKnow_whenRead_thenTheyAreKeptOnTheListingAndReportedUnmapped() {
    ObjectNode doc = small();
    ((ArrayNode) doc.get("taxonomy_terms")).add(JSON.createObjectNode().put("id", "t7").put("code", "esdNeed:bees"));
    ((ArrayNode) doc.get("attributes")).add(JSON.createObjectNode().put("link_id", "acle-phone-friends").put("taxonomy_term_id", "t7"));

    HsdsImport.Result result = HsdsImport.read(doc, EMPTY_DIRECTORY);

    assertThat(byId(result).get("acle-phone-friends").getTaxonomy()).contains("snomedCT:871731000000106", "esdNeed:bees");
    assertThat(result.unmappedTerms()).containsExactly("esdNeed:bees", "esdNeed:seed-saving", "snomedCT:871731000000106");
  }

  @Test
  void givenAnAttributeWithItsTermInline_whenRead_thenTheTermIsTakenFromIt() {
    ObjectNode doc = small();
    ObjectNode attribute = ((ArrayNode) doc.get("attributes")).addObject().put("link_id", "dereham-seed-swap");
    attribute.putObject("taxonomy_term").put("code", "gardening").put("taxonomy", "esdServiceType");

    ServiceListed seeds = byId(HsdsImport.read(doc, EMPTY_DIRECTORY)).get("dereham-seed-swap");

    assertThat(seeds.getTaxonomy()).containsExactly("esdNeed:seed-saving", "esdServiceType:gardening");
    assertThat(seeds.getNeeds()).containsExactly(NeedCode.NATURE);
  }

  @Test
  void givenAServiceWhoseIntakeIsPaused_whenTheSameFileIsImportedAgain_thenItStaysPausedUnderTheSameId() {
    ServiceListed first = byId(HsdsImport.read(small(), EMPTY_DIRECTORY)).get("acle-phone-friends");
    ServiceListed paused = ServiceListed.newBuilder(first).setIntakePaused(true).build();

    HsdsImport.Result again = HsdsImport.read(small(), id -> id.equals("acle-phone-friends") ? Optional.of(paused) : Optional.empty());

    assertThat(byId(again).get("acle-phone-friends").getIntakePaused()).isTrue();
    assertThat(byId(again).get("dereham-allotment").getIntakePaused()).isFalse();
    assertThat(byId(again).keySet()).isEqualTo(byId(HsdsImport.read(small(), EMPTY_DIRECTORY)).keySet());
  }

  @Test
  void givenALinkWorkerService_whenTheSameFileIsImportedAgain_thenItStaysOneForTheSamePractices() {
    ServiceListed first = byId(HsdsImport.read(small(), EMPTY_DIRECTORY)).get("acle-phone-friends");
    ServiceListed linkWorkers = ServiceListed.newBuilder(first).setKind(ServiceKind.LINK_WORKER)
        .setPractices(List.of("D82044")).build();

    HsdsImport.Result again = HsdsImport.read(small(),
        id -> id.equals("acle-phone-friends") ? Optional.of(linkWorkers) : Optional.empty());

    assertThat(byId(again).get("acle-phone-friends").getKind()).isEqualTo(ServiceKind.LINK_WORKER);
    assertThat(byId(again).get("acle-phone-friends").getPractices()).containsExactly("D82044");
    assertThat(byId(again).get("dereham-allotment").getKind()).isEqualTo(ServiceKind.COMMUNITY);
  }

  @Test
  void givenAServiceIdAnotherProviderAlreadyLists_whenRead_thenItIsRefusedAtThatServicesId() {
    ServiceListed theirs = byId(HsdsImport.read(small(), EMPTY_DIRECTORY)).get("acle-phone-friends");
    ServiceListed other = ServiceListed.newBuilder(theirs).setProviderId("wensum-friends").build();

    ProblemException.Invalid invalid = invalid(small(), id -> id.equals("acle-phone-friends") ? Optional.of(other) : Optional.empty());

    assertThat(invalid.errors()).extracting(FieldProblem::field).containsExactly("services[0].id");
    assertThat(invalid.errors().get(0).reason()).contains("already listed by provider wensum-friends");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "active | ACTIVE", "ACTIVE | ACTIVE", "inactive | INACTIVE", "defunct | DEFUNCT",
      "temporarily closed | TEMPORARILY_CLOSED", "Temporarily_Closed | TEMPORARILY_CLOSED",
      "temporarily-closed | TEMPORARILY_CLOSED"})
  void givenAnHsdsServiceStatus_whenRead_thenItIsTheListingStatus(String hsds, ServiceStatus expected) {
    ObjectNode doc = small();
    service(doc, 0).put("status", hsds);

    assertThat(byId(HsdsImport.read(doc, EMPTY_DIRECTORY)).get("acle-phone-friends").getStatus()).isEqualTo(expected);
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        error("a service names an organization the file lacks", d -> service(d, 1).put("organization_id", "no-such-org"),
            "services[1].organization_id", "names no organization in organizations"),
        error("two services share an id", d -> service(d, 2).put("id", "acle-phone-friends"),
            "services[2].id", "duplicates services[0].id"),
        error("two organizations share an id", d -> element(d, "organizations", 1).put("id", "acle-befrienders"),
            "organizations[1].id", "duplicates organizations[0].id"),
        error("two locations share an id", d -> element(d, "locations", 1).put("id", "loc-acle"),
            "locations[1].id", "duplicates locations[0].id"),
        error("two taxonomy terms share an id", d -> element(d, "taxonomy_terms", 1).put("id", "t1"),
            "taxonomy_terms[1].id", "duplicates taxonomy_terms[0].id"),
        error("an unknown status", d -> service(d, 1).put("status", "closed for winter"),
            "services[1].status", "must be active, inactive, defunct or temporarily closed"),
        error("no status", d -> service(d, 0).remove("status"), "services[0].status", "is required"),
        error("negative capacity", d -> ((ObjectNode) service(d, 0).get("linkway")).put("capacity", -1),
            "services[0].linkway.capacity", "0 or more"),
        error("capacity in words", d -> ((ObjectNode) service(d, 0).get("linkway")).put("capacity", "lots"),
            "services[0].linkway.capacity", "whole number"),
        error("maximum age below the minimum on the service", d -> service(d, 0).put("maximum_age", 18),
            "services[0].maximum_age", "below the minimum age 65"),
        error("maximum age below the minimum on an eligibility record", d -> element(d, "eligibility", 0).put("maximum_age", 12),
            "eligibility[0].maximum_age", "below the minimum age 16"),
        error("an age in words", d -> service(d, 0).put("minimum_age", "sixty-five"),
            "services[0].minimum_age", "whole number of years"),
        error("an age of 200", d -> service(d, 0).put("maximum_age", 200), "services[0].maximum_age", "0-130"),
        error("an organization without a name", d -> element(d, "organizations", 1).remove("name"),
            "organizations[1].name", "is required"),
        error("a service without a name", d -> service(d, 2).put("name", "  "), "services[2].name", "is required"),
        error("a service id that cannot be a directory key", d -> service(d, 1).put("id", "Dereham Allotment"),
            "services[1].id", "lower-case"),
        error("no commissioner anywhere", d -> d.remove("linkway"),
            "services[0].linkway.commissioners", "is required"),
        error("a commissioner that is not an ICB code", d -> d.putObject("linkway").putArray("commissioners").add("Norfolk"),
            "linkway.commissioners[0]", "ICB"),
        error("an attribute linking an unknown service", d -> element(d, "attributes", 0).put("link_id", "ghost-service"),
            "attributes[0].link_id", "names no service in services"),
        error("an attribute linking an unknown term", d -> element(d, "attributes", 1).put("taxonomy_term_id", "t99"),
            "attributes[1].taxonomy_term_id", "names no term in taxonomy_terms"),
        error("a service_at_location with an unknown location", d -> element(d, "service_at_locations", 0).put("location_id", "loc-x"),
            "service_at_locations[0].location_id", "names no location in locations"),
        error("a service_at_location with an unknown service", d -> element(d, "service_at_locations", 2).put("service_id", "x-service"),
            "service_at_locations[2].service_id", "names no service in services"),
        error("a service area with an unknown service", d -> element(d, "service_areas", 0).put("service_id", "x-service"),
            "service_areas[0].service_id", "names no service in services"),
        error("a location postcode that is not one", d -> element(d, "locations", 1).put("postal_code", "Dereham"),
            "locations[1].postal_code", "is not a UK postcode"),
        error("a nested address postcode that is not one", d -> ((ObjectNode) element(d, "locations", 0).get("addresses").get(0)).put("postal_code", "NR13"),
            "locations[0].addresses[0].postal_code", "is not a UK postcode"),
        error("an address of an unknown location", d -> element(d, "addresses", 0).put("location_id", "loc-x"),
            "addresses[0].location_id", "names no location in locations"),
        error("a text extent with a place name", d -> element(d, "service_areas", 0).put("extent", "NR13, Acle"),
            "service_areas[0].extent", "'Acle' is neither a postcode district"),
        error("an unknown extent type", d -> element(d, "service_areas", 2).put("extent_type", "wkt"),
            "service_areas[2].extent_type", "must be geojson, topojson, kml or text"),
        error("a term without code or name", d -> element(d, "taxonomy_terms", 5).remove(List.of("code", "name")),
            "taxonomy_terms[5].code", "is required"),
        error("services not an array", d -> d.put("services", "all of them"), "services", "must be an array"),
        error("a service that is not an object", d -> ((ArrayNode) d.get("services")).set(1, JSON.getNodeFactory().stringNode("x")),
            "services[1]", "must be an object"),
        error("no organizations", d -> d.remove("organizations"), "organizations", "is required"),
        error("no services", d -> d.putArray("services"), "services", "must list at least one"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void givenAMalformedFile_whenRead_thenItIsRefusedNamingTheBadElementByItsPath(String what, Consumer<ObjectNode> change,
      String field, String reason) {
    ObjectNode doc = small();
    change.accept(doc);

    ProblemException.Invalid invalid = invalid(doc, EMPTY_DIRECTORY);

    assertThat(invalid.errors()).as(what).anySatisfy(problem -> {
      assertThat(problem.field()).isEqualTo(field);
      assertThat(problem.reason()).contains(reason);
    });
  }

  @Test
  void givenAFileWithManyFaults_whenRead_thenEveryOneIsNamedAtOnceAndNoListingIsGiven() {
    ObjectNode doc = small();
    service(doc, 1).put("organization_id", "no-such-org");
    service(doc, 2).put("status", "paused");
    ((ObjectNode) service(doc, 0).get("linkway")).put("capacity", -2);
    service(doc, 0).put("maximum_age", 40);
    element(doc, "organizations", 1).remove("name");
    element(doc, "attributes", 3).put("taxonomy_term_id", "t42");

    ProblemException.Invalid invalid = invalid(doc, EMPTY_DIRECTORY);

    assertThat(invalid.errors()).extracting(FieldProblem::field).containsExactlyInAnyOrder(
        "organizations[1].name", "services[1].organization_id", "services[2].status", "services[0].linkway.capacity",
        "services[0].maximum_age", "attributes[3].taxonomy_term_id");
    assertThat(invalid.status().value()).isEqualTo(400);
  }

  @Test
  void givenABodyThatIsNotAnObject_whenRead_thenTheBodyIsNamed() {
    ProblemException.Invalid invalid = invalid(JSON.createArrayNode(), EMPTY_DIRECTORY);

    assertThat(invalid.errors()).extracting(FieldProblem::field).containsExactly("body");
  }

  @Test
  void givenTheNorfolkSampleDirectory_whenRead_thenItHasNoFaultsAndAtLeastTwentyServicesFromTwelveOrganisations() throws IOException {
    JsonNode norfolk = JSON.readTree(Files.readString(NORFOLK));

    HsdsImport.Result result = HsdsImport.read(norfolk, EMPTY_DIRECTORY);

    List<ServiceListed> listings = result.listings();
    assertThat(listings).hasSizeGreaterThanOrEqualTo(20);
    assertThat(listings.stream().map(ServiceListed::getProviderId).distinct().count()).isGreaterThanOrEqualTo(12);
    assertThat(result.organizations()).isGreaterThanOrEqualTo(12);
    assertThat(listings).allSatisfy(l -> {
      assertThat(l.getCommissioners()).contains("QMM");
      assertThat(l.getPostcodeDistricts()).allMatch(d -> d.startsWith("NR") || d.startsWith("PE") || d.startsWith("IP"));
    });
    assertThat(listings).filteredOn(l -> l.getStatus() != ServiceStatus.ACTIVE).hasSizeGreaterThanOrEqualTo(2);
    assertThat(listings).filteredOn(l -> l.getCapacity() <= 3).hasSizeGreaterThanOrEqualTo(2);
    assertThat(listings).filteredOn(l -> l.getMinAge() != null || l.getMaxAge() != null).hasSizeGreaterThanOrEqualTo(4);
    assertThat(listings).filteredOn(l -> l.getPostcodeDistricts().isEmpty()).as("whole-ICB services").isNotEmpty();
    assertThat(listings.stream().flatMap(l -> l.getPostcodeDistricts().stream()))
        .contains("NR1", "NR18", "NR19", "NR20", "NR28");
    assertThat(listings.stream().flatMap(l -> l.getNeeds().stream()).collect(Collectors.toSet()))
        .as("every need is met somewhere").containsExactlyInAnyOrder(NeedCode.LONELINESS, NeedCode.MENTAL_WELLBEING,
            NeedCode.PHYSICAL_ACTIVITY, NeedCode.MONEY_AND_DEBT, NeedCode.HOUSING, NeedCode.ARTS_AND_CULTURE, NeedCode.NATURE);
    assertThat(result.unmappedTerms()).isNotEmpty().allMatch(t -> listings.stream().anyMatch(l -> l.getTaxonomy().contains(t)));
  }

  @Test
  void givenTheNorfolkSampleDirectory_whenRead_thenNoServiceIdClashesWithTheJourneyDemoProviders() throws IOException {
    HsdsImport.Result result = HsdsImport.read(JSON.readTree(Files.readString(NORFOLK)), EMPTY_DIRECTORY);
    List<String> journeyServices;
    try (Stream<Path> files = Files.list(Path.of("..", "demo", "providers"))) {
      journeyServices = files.flatMap(f -> read(f).get("services").values().stream())
          .map(s -> s.get("serviceId").stringValue()).toList();
    }

    assertThat(journeyServices).isNotEmpty();
    assertThat(result.listings()).extracting(ServiceListed::getServiceId).doesNotContainAnyElementsOf(journeyServices);
  }

  // ---------------------------------------------------------------------------------------------

  static Arguments error(String what, Consumer<ObjectNode> change, String field, String reason) {
    return Arguments.of(what, change, field, reason);
  }

  static ObjectNode small() {
    return (ObjectNode) JSON.readTree(SMALL);
  }

  static ObjectNode service(ObjectNode doc, int index) {
    return element(doc, "services", index);
  }

  static ObjectNode element(ObjectNode doc, String array, int index) {
    return (ObjectNode) doc.get(array).get(index);
  }

  static Map<String, ServiceListed> byId(HsdsImport.Result result) {
    return result.listings().stream().collect(Collectors.toMap(ServiceListed::getServiceId, l -> l));
  }

  static ProblemException.Invalid invalid(JsonNode doc, Function<String, Optional<ServiceListed>> current) {
    ProblemException.Invalid invalid = catchThrowableOfType(ProblemException.Invalid.class, () -> HsdsImport.read(doc, current));
    assertThat(invalid).as("the file is refused").isNotNull();
    return invalid;
  }

  static JsonNode read(Path file) {
    try {
      return JSON.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
