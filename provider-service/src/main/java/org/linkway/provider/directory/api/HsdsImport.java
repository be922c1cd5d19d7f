package org.linkway.provider.directory.api;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.linkway.events.NeedCode;
import org.linkway.events.ServiceKind;
import org.linkway.events.ServiceListed;
import org.linkway.events.ServiceStatus;
import org.linkway.platform.domain.Postcodes;
import org.linkway.platform.domain.SocialPrescribing;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.web.ProblemException;
import org.linkway.platform.web.ProblemException.FieldProblem;
import org.linkway.provider.ProviderServiceApplication;
import org.linkway.provider.directory.domain.DirectoryCodes;
import org.linkway.provider.directory.domain.NeedTaxonomy;
import tools.jackson.databind.JsonNode;

/**
 * Reads an Open Referral UK / HSDS 3.0 directory into the listings of the provider directory: one
 * {@link ServiceListed} per HSDS service. Pure: no Spring, no Kafka; the whole document is checked
 * first and either every listing comes back or {@link ProblemException.Invalid} names every bad element
 * by its JSON path ({@code services[3].organization_id}, {@code attributes[7].taxonomy_term_id}...).
 *
 * <h2>The shape: HSDS 3 "flat"</h2>
 * One JSON object with the arrays {@code organizations} and {@code services} (both required), and
 * optionally {@code locations}, {@code addresses}, {@code service_at_locations}, {@code service_areas},
 * {@code taxonomy_terms}, {@code attributes} and {@code eligibility} (or {@code eligibilities}). Other
 * HSDS arrays and fields (phones, schedules, contacts, descriptions...) are allowed and ignored.
 *
 * <ul>
 *   <li>organization → provider: {@code id} (the providerId) and {@code name} are required.</li>
 *   <li>service → listing: {@code id} (the serviceId), {@code name}, {@code organization_id} (must name an
 *       organization of the file) and {@code status} (active, inactive, defunct, temporarily closed) are
 *       required; {@code minimum_age}/{@code maximum_age} are optional. Provider and service ids are the
 *       directory's keys: 2-64 lower-case letters, digits and hyphens (a lower-case UUID will do).</li>
 *   <li>ages: a service's own {@code minimum_age}/{@code maximum_age} win; otherwise its
 *       {@code eligibility} records (each with {@code service_id}) give the lowest minimum and the highest
 *       maximum. A maximum below the minimum is an error named at the maximum.</li>
 *   <li>taxonomy: an {@code attributes} entry links {@code link_id} (a service id; entries whose
 *       {@code link_entity} is not {@code service} are ignored) to {@code taxonomy_term_id} (a
 *       {@code taxonomy_terms} id), or carries the term inline as {@code taxonomy_term}. A term's CURIE is its
 *       {@code code} when that has a prefix ({@code esdNeed:loneliness}), otherwise {@code taxonomy:code}
 *       ({@code taxonomy} "esdNeed", code "loneliness"); without a code, its name. Every term is kept on the
 *       listing; {@link NeedTaxonomy} maps the ones it knows to needs, the others are reported as unmapped.</li>
 *   <li>postcode districts: a {@code service_areas} entry with {@code extent_type} "text" (or none) lists in
 *       {@code extent} postcode districts and/or ICB codes, separated by commas or spaces
 *       ({@code "NR1, NR2, NR3"}, {@code "QMM"}). An ICB code means the whole ICB area: the listing gets no
 *       districts (the whole area) and that ICB among its commissioners. Without text service areas, the
 *       districts are the outward codes of the {@code postal_code}s of the service's locations (through
 *       {@code service_at_locations}); a location's postcode is its own {@code postal_code}, those of its
 *       nested {@code addresses}, or those of top-level {@code addresses} with its {@code location_id}.
 *       GeoJSON, TopoJSON and KML extents are accepted and not read. With neither, the listing covers the
 *       whole commissioner area.</li>
 * </ul>
 *
 * <h2>The Linkway extension: what HSDS lacks</h2>
 * <pre>
 * { "linkway": { "commissioners": ["QMM"] },                 // top level: the default for every service
 *   "services": [ { ..., "linkway": { "capacity": 3,          // open places; 10 when absent
 *                                     "commissioners": ["QMM"] } } ] }  // per service: replaces the default
 * </pre>
 * Every service must end up with at least one commissioner (an ICB ODS code such as QMM), from its own
 * {@code linkway.commissioners}, the top-level default, or an ICB named in its service areas. Capacity is a
 * whole number, 0 or more. Intake pause is not part of the file: a re-import keeps a listing's current
 * {@code intakePaused}.
 *
 * <p>A service already listed by another provider cannot move to a different organization through an import
 * (as with PUT): that is an error at {@code services[i].id}.
 */
final class HsdsImport {

  /** Open places of a service whose file does not say. */
  static final int DEFAULT_CAPACITY = 10;

  private static final Pattern CURIE_PREFIX = Pattern.compile("^[A-Za-z][A-Za-z0-9._-]*$");
  private static final Pattern WHOLE_NUMBER = Pattern.compile("^-?[0-9]+$");

  /**
   * What an import gives: the listings to publish, and counts for the answer. {@code needsMapped} is the
   * number of (service, need) pairs; {@code unmappedTerms} the distinct terms that met no need.
   */
  record Result(List<ServiceListed> listings, int organizations, int needsMapped, List<String> unmappedTerms,
      List<String> servicesWithoutNeeds) {}

  private HsdsImport() {}

  /**
   * @param document the HSDS document
   * @param current the listing currently in the directory under a service id, if any
   * @throws ProblemException.Invalid naming every bad element when the document is not valid
   */
  static Result read(JsonNode document, Function<String, Optional<ServiceListed>> current) {
    return new Reader(document, current).read();
  }

  /** One object of the document and its JSON path. */
  private record Element(String path, JsonNode node) {
    JsonNode get(String field) {
      return node.get(field);
    }

    String at(String field) {
      return path.isEmpty() ? field : path + "." + field;
    }
  }

  private record Ages(Integer min, String minPath, Integer max, String maxPath) {}

  private static final class Service {
    final String path;
    final String id;
    final String organizationId;
    final String name;
    final ServiceStatus status;
    final Ages ages;
    final int capacity;
    final List<String> commissioners;

    Service(String path, String id, String organizationId, String name, ServiceStatus status, Ages ages,
        int capacity, List<String> commissioners) {
      this.path = path;
      this.id = id;
      this.organizationId = organizationId;
      this.name = name;
      this.status = status;
      this.ages = ages;
      this.capacity = capacity;
      this.commissioners = commissioners;
    }
  }

  private static final class Reader {
    private final JsonNode document;
    private final Function<String, Optional<ServiceListed>> current;
    private final List<FieldProblem> problems = new ArrayList<>();

    private final Map<String, String> organizations = new LinkedHashMap<>();
    private final Map<String, Service> services = new LinkedHashMap<>();
    private final Map<String, List<String>> locationDistricts = new HashMap<>();
    private final Map<String, String> terms = new HashMap<>();
    /** Ids as written, valid or not, so that a reference to a bad id is not reported twice. */
    private final Set<String> declaredOrganizations = new HashSet<>();
    private final Set<String> declaredServices = new HashSet<>();
    private final Set<String> declaredLocations = new HashSet<>();
    private final Set<String> declaredTerms = new HashSet<>();

    private final Map<String, List<String>> serviceLocations = new HashMap<>();
    private final Map<String, Set<String>> areaDistricts = new HashMap<>();
    private final Map<String, Set<String>> areaIcbs = new HashMap<>();
    private final Map<String, Set<String>> serviceTerms = new HashMap<>();
    private final Map<String, List<Ages>> eligibility = new HashMap<>();

    Reader(JsonNode document, Function<String, Optional<ServiceListed>> current) {
      this.document = document;
      this.current = current;
    }

    Result read() {
      if (document == null || !document.isObject()) {
        throw new ProblemException.Invalid(List.of(new FieldProblem("body",
            "must be a JSON object with the HSDS 3 arrays organizations, services, locations, service_at_locations, "
                + "service_areas, taxonomy_terms and attributes")));
      }
      List<String> defaultCommissioners = topLevelExtension();
      readOrganizations();
      readServices(defaultCommissioners);
      readLocations();
      readAddresses();
      readTaxonomyTerms();
      readServiceAtLocations();
      readServiceAreas();
      readAttributes();
      readEligibility("eligibility");
      readEligibility("eligibilities");
      List<Ages> ages = new ArrayList<>();
      for (Service service : services.values()) {
        ages.add(checkAges(service));
        if (service.commissioners.isEmpty() && areaIcbs.getOrDefault(service.id, Set.of()).isEmpty()) {
          problem(service.path + ".linkway.commissioners",
              "is required: ICB codes such as QMM, here or for the whole file as linkway.commissioners");
        }
      }
      if (!problems.isEmpty()) throw new ProblemException.Invalid(problems.stream().distinct().toList());
      return listings(ages);
    }

    // ------------------------------------------------------------------------------------------
    // entities

    private List<String> topLevelExtension() {
      JsonNode extension = document.get("linkway");
      if (extension == null || extension.isNull()) return List.of();
      if (!extension.isObject()) {
        problem("linkway", "must be an object, e.g. {\"commissioners\": [\"QMM\"]}");
        return List.of();
      }
      List<String> commissioners = icbCodes(new Element("linkway", extension), "commissioners");
      return commissioners == null ? List.of() : commissioners;
    }

    private void readOrganizations() {
      Map<String, String> firstPath = new HashMap<>();
      for (Element e : array("organizations", true)) {
        String raw = text(e, "id", true, true);
        String id = key(e, raw);
        String name = text(e, "name", true, false);
        if (raw != null) declaredOrganizations.add(raw);
        if (id != null && duplicate(firstPath, id, e)) continue;
        if (id != null) organizations.put(id, name);
      }
    }

    private void readServices(List<String> defaultCommissioners) {
      Map<String, String> firstPath = new HashMap<>();
      for (Element e : array("services", true)) {
        String raw = text(e, "id", true, true);
        String id = key(e, raw);
        if (raw != null) declaredServices.add(raw);
        String name = text(e, "name", true, false);
        String organizationId = text(e, "organization_id", true, true);
        if (organizationId != null && !declaredOrganizations.contains(organizationId)) {
          problem(e.at("organization_id"), "names no organization in organizations: '" + organizationId + "'");
        }
        String statusText = text(e, "status", true, false);
        ServiceStatus status = DirectoryCodes.hsdsStatus(statusText);
        if (statusText != null && status == null) {
          problem(e.at("status"), "must be active, inactive, defunct or temporarily closed, not '" + statusText + "'");
        }
        Integer min = age(e, "minimum_age");
        Integer max = age(e, "maximum_age");
        int capacity = DEFAULT_CAPACITY;
        List<String> commissioners = null;
        JsonNode extension = e.get("linkway");
        if (extension != null && !extension.isNull()) {
          if (!extension.isObject()) {
            problem(e.at("linkway"), "must be an object, e.g. {\"capacity\": 3, \"commissioners\": [\"QMM\"]}");
          } else {
            Element linkway = new Element(e.at("linkway"), extension);
            Integer given = integer(linkway, "capacity", 0, Integer.MAX_VALUE,
                "must be a whole number, 0 or more: the open places");
            if (given != null) capacity = given;
            commissioners = icbCodes(linkway, "commissioners");
          }
        }
        if (id == null || duplicate(firstPath, id, e)) continue;
        if (organizationId != null && declaredOrganizations.contains(organizationId)) {
          current.apply(id).filter(listed -> !listed.getProviderId().equals(organizationId)).ifPresent(listed ->
              problem(e.at("id"), "is already listed by provider " + listed.getProviderId()
                  + ": a service cannot move to another provider"));
        }
        Set<String> all = new LinkedHashSet<>(commissioners != null ? commissioners : defaultCommissioners);
        services.put(id, new Service(e.path(), id, organizationId, name, status,
            new Ages(min, e.at("minimum_age"), max, e.at("maximum_age")), capacity, List.copyOf(all)));
      }
    }

    private void readLocations() {
      Map<String, String> firstPath = new HashMap<>();
      for (Element e : array("locations", false)) {
        String id = text(e, "id", true, true);
        List<String> districts = new ArrayList<>();
        addDistrict(e, districts);
        JsonNode addresses = e.get("addresses");
        if (addresses != null && !addresses.isNull()) {
          if (!addresses.isArray()) {
            problem(e.at("addresses"), "must be an array");
          } else {
            for (int i = 0; i < addresses.size(); i++) {
              Element address = new Element(e.at("addresses") + "[" + i + "]", addresses.get(i));
              if (!address.node().isObject()) problem(address.path(), "must be an object");
              else addDistrict(address, districts);
            }
          }
        }
        if (id == null) continue;
        declaredLocations.add(id);
        if (duplicate(firstPath, id, e)) continue;
        locationDistricts.put(id, districts);
      }
    }

    private void readAddresses() {
      for (Element e : array("addresses", false)) {
        String locationId = text(e, "location_id", true, true);
        List<String> districts = new ArrayList<>();
        addDistrict(e, districts);
        if (locationId == null) continue;
        if (!declaredLocations.contains(locationId)) {
          problem(e.at("location_id"), "names no location in locations: '" + locationId + "'");
        } else if (locationDistricts.containsKey(locationId)) {
          locationDistricts.get(locationId).addAll(districts);
        }
      }
    }

    private void readTaxonomyTerms() {
      Map<String, String> firstPath = new HashMap<>();
      for (Element e : array("taxonomy_terms", false)) {
        String id = text(e, "id", true, true);
        String curie = curie(e);
        if (id == null) continue;
        declaredTerms.add(id);
        if (duplicate(firstPath, id, e)) continue;
        if (curie != null) terms.put(id, curie);
      }
    }

    // ------------------------------------------------------------------------------------------
    // links

    private void readServiceAtLocations() {
      for (Element e : array("service_at_locations", false)) {
        String serviceId = serviceReference(e, "service_id");
        String locationId = text(e, "location_id", true, true);
        if (locationId != null && !declaredLocations.contains(locationId)) {
          problem(e.at("location_id"), "names no location in locations: '" + locationId + "'");
          continue;
        }
        if (serviceId != null && locationId != null) {
          serviceLocations.computeIfAbsent(serviceId, k -> new ArrayList<>()).add(locationId);
        }
      }
    }

    private void readServiceAreas() {
      for (Element e : array("service_areas", false)) {
        String serviceId = serviceReference(e, "service_id");
        String extentType = text(e, "extent_type", false, false);
        String extent = text(e, "extent", false, false);
        if (extentType != null && !extentType.equalsIgnoreCase("text")) {
          if (!Set.of("geojson", "topojson", "kml").contains(extentType.toLowerCase(Locale.ROOT))) {
            problem(e.at("extent_type"), "must be geojson, topojson, kml or text, not '" + extentType + "'");
          }
          continue;
        }
        if (extent == null) continue;
        Set<String> districts = new LinkedHashSet<>();
        Set<String> icbs = new LinkedHashSet<>();
        for (String token : extent.split("[,;\\s]+")) {
          String code = token.toUpperCase(Locale.ROOT);
          if (code.isEmpty()) continue;
          if (SocialPrescribing.isIcbCode(code)) icbs.add(code);
          else if (Postcodes.DISTRICT.matcher(code).matches()) districts.add(code);
          else problem(e.at("extent"), "'" + token + "' is neither a postcode district (e.g. NR2) nor an ICB code (e.g. QMM)");
        }
        if (serviceId != null) {
          areaDistricts.computeIfAbsent(serviceId, k -> new LinkedHashSet<>()).addAll(districts);
          areaIcbs.computeIfAbsent(serviceId, k -> new LinkedHashSet<>()).addAll(icbs);
        }
      }
    }

    private void readAttributes() {
      for (Element e : array("attributes", false)) {
        String entity = text(e, "link_entity", false, false);
        if (entity != null && !entity.equalsIgnoreCase("service")) continue;
        String serviceId = serviceReference(e, "link_id");
        String curie = null;
        JsonNode inline = e.get("taxonomy_term");
        if (e.get("taxonomy_term_id") == null && inline != null && !inline.isNull()) {
          if (!inline.isObject()) problem(e.at("taxonomy_term"), "must be an object");
          else curie = curie(new Element(e.at("taxonomy_term"), inline));
        } else {
          String termId = text(e, "taxonomy_term_id", true, true);
          if (termId != null && !declaredTerms.contains(termId)) {
            problem(e.at("taxonomy_term_id"), "names no term in taxonomy_terms: '" + termId + "'");
          } else if (termId != null) {
            curie = terms.get(termId);
          }
        }
        if (serviceId != null && curie != null) {
          serviceTerms.computeIfAbsent(serviceId, k -> new LinkedHashSet<>()).add(curie);
        }
      }
    }

    private void readEligibility(String name) {
      for (Element e : array(name, false)) {
        String serviceId = serviceReference(e, "service_id");
        Integer min = age(e, "minimum_age");
        Integer max = age(e, "maximum_age");
        if (serviceId != null) {
          eligibility.computeIfAbsent(serviceId, k -> new ArrayList<>())
              .add(new Ages(min, e.at("minimum_age"), max, e.at("maximum_age")));
        }
      }
    }

    // ------------------------------------------------------------------------------------------
    // the listings

    private Ages checkAges(Service service) {
      Ages own = service.ages;
      Integer min = own.min();
      String minPath = own.minPath();
      Integer max = own.max();
      String maxPath = own.maxPath();
      for (Ages record : eligibility.getOrDefault(service.id, List.of())) {
        belowMinimum(record.min(), record.minPath(), record.max(), record.maxPath());
        if (own.min() == null && record.min() != null && (min == null || record.min() < min)) {
          min = record.min();
          minPath = record.minPath();
        }
        if (own.max() == null && record.max() != null && (max == null || record.max() > max)) {
          max = record.max();
          maxPath = record.maxPath();
        }
      }
      belowMinimum(min, minPath, max, maxPath);
      return new Ages(min, minPath, max, maxPath);
    }

    private void belowMinimum(Integer min, String minPath, Integer max, String maxPath) {
      if (min != null && max != null && min > max) {
        problem(maxPath, "is below the minimum age " + min + " (" + minPath + ")");
      }
    }

    private Result listings(List<Ages> ages) {
      List<ServiceListed> listings = new ArrayList<>();
      Set<String> unmapped = new TreeSet<>();
      List<String> withoutNeeds = new ArrayList<>();
      int needsMapped = 0;
      int i = 0;
      for (Service service : services.values()) {
        Ages age = ages.get(i++);
        List<String> taxonomy = List.copyOf(serviceTerms.getOrDefault(service.id, Set.of()));
        Set<NeedCode> needs = new LinkedHashSet<>();
        for (String term : taxonomy) {
          Optional<NeedCode> need = NeedTaxonomy.need(term);
          need.ifPresent(needs::add);
          if (need.isEmpty()) unmapped.add(term);
        }
        needsMapped += needs.size();
        if (needs.isEmpty()) withoutNeeds.add(service.id);
        Set<String> commissioners = new LinkedHashSet<>(service.commissioners);
        Set<String> icbs = areaIcbs.getOrDefault(service.id, Set.of());
        commissioners.addAll(icbs);
        listings.add(ServiceListed.newBuilder()
            .setMetadata(Events.metadata(ProviderServiceApplication.NAME, null, null))
            .setServiceId(service.id)
            .setProviderId(service.organizationId)
            .setProviderName(organizations.get(service.organizationId))
            .setServiceName(service.name)
            .setNeeds(List.copyOf(needs))
            .setTaxonomy(taxonomy)
            .setCommissioners(List.copyOf(commissioners))
            .setPostcodeDistricts(icbs.isEmpty() ? districts(service.id) : List.of())
            .setCapacity(service.capacity)
            .setStatus(service.status)
            .setMinAge(age.min())
            .setMaxAge(age.max())
            .setIntakePaused(current.apply(service.id).map(ServiceListed::getIntakePaused).orElse(false))
            // HSDS says nothing of them: a link worker service stays one, for the practices it was listed for
            .setKind(current.apply(service.id).map(ServiceListed::getKind).orElse(ServiceKind.COMMUNITY))
            .setPractices(current.apply(service.id).map(ServiceListed::getPractices).orElse(List.of()))
            .build());
      }
      return new Result(List.copyOf(listings), organizations.size(), needsMapped, List.copyOf(unmapped),
          List.copyOf(withoutNeeds));
    }

    /** From the service areas; failing those, from the postcodes of the service's locations. */
    private List<String> districts(String serviceId) {
      Set<String> districts = new TreeSet<>(Postcodes.DISTRICT_ORDER);
      districts.addAll(areaDistricts.getOrDefault(serviceId, Set.of()));
      if (districts.isEmpty()) {
        for (String location : serviceLocations.getOrDefault(serviceId, List.of())) {
          districts.addAll(locationDistricts.getOrDefault(location, List.of()));
        }
      }
      return List.copyOf(districts);
    }

    // ------------------------------------------------------------------------------------------
    // reading values

    private List<Element> array(String name, boolean required) {
      JsonNode node = document.get(name);
      if (node == null || node.isNull()) {
        if (required) problem(name, "is required: an array of HSDS " + name);
        return List.of();
      }
      if (!node.isArray()) {
        problem(name, "must be an array");
        return List.of();
      }
      if (required && node.isEmpty()) problem(name, "must list at least one of the " + name);
      List<Element> elements = new ArrayList<>();
      for (int i = 0; i < node.size(); i++) {
        String path = name + "[" + i + "]";
        if (node.get(i).isObject()) elements.add(new Element(path, node.get(i)));
        else problem(path, "must be an object");
      }
      return elements;
    }

    /** A trimmed string (or, where ids are allowed as numbers, an integer as its digits); null when absent. */
    private String text(Element e, String field, boolean required, boolean numberAllowed) {
      JsonNode value = e.get(field);
      String result = null;
      if (value != null && !value.isNull()) {
        if (value.isString()) result = value.stringValue().trim();
        else if (numberAllowed && value.isIntegralNumber()) result = value.asString();
        else {
          problem(e.at(field), numberAllowed ? "must be a string or a whole number" : "must be a string");
          return null;
        }
      }
      if (result == null || result.isEmpty()) {
        if (required) problem(e.at(field), "is required");
        return null;
      }
      return result;
    }

    /** The id as a directory key, or null (reported) when it cannot be one. */
    private String key(Element e, String id) {
      if (id == null) return null;
      if (!DirectoryCodes.ID.matcher(id).matches()) {
        problem(e.at("id"), "must be " + DirectoryCodes.ID_RULE + " (a lower-case UUID will do), not '" + id + "'");
        return null;
      }
      return id;
    }

    private boolean duplicate(Map<String, String> firstPath, String id, Element e) {
      String first = firstPath.putIfAbsent(id, e.path());
      if (first == null) return false;
      problem(e.at("id"), "duplicates " + first + ".id ('" + id + "')");
      return true;
    }

    /** A service id a link points at: reported when the file declares no such service. */
    private String serviceReference(Element e, String field) {
      String id = text(e, field, true, true);
      if (id != null && !declaredServices.contains(id)) {
        problem(e.at(field), "names no service in services: '" + id + "'");
        return null;
      }
      return id != null && services.containsKey(id) ? id : null;
    }

    private Integer age(Element e, String field) {
      return integer(e, field, 0, DirectoryCodes.MAX_AGE, "must be a whole number of years, 0-" + DirectoryCodes.MAX_AGE);
    }

    private Integer integer(Element e, String field, int min, int max, String rule) {
      JsonNode value = e.get(field);
      if (value == null || value.isNull()) return null;
      String digits = value.isIntegralNumber() ? value.asString()
          : value.isString() && WHOLE_NUMBER.matcher(value.stringValue().trim()).matches() ? value.stringValue().trim()
          : null;
      if (digits == null) {
        problem(e.at(field), rule);
        return null;
      }
      BigInteger number = new BigInteger(digits);
      if (number.compareTo(BigInteger.valueOf(min)) < 0 || number.compareTo(BigInteger.valueOf(max)) > 0) {
        problem(e.at(field), rule + ", not " + digits);
        return null;
      }
      return number.intValue();
    }

    private List<String> icbCodes(Element e, String field) {
      JsonNode value = e.get(field);
      if (value == null || value.isNull()) return null;
      if (!value.isArray()) {
        problem(e.at(field), "must be an array of ICB codes, e.g. [\"QMM\"]");
        return null;
      }
      List<String> codes = new ArrayList<>();
      for (int i = 0; i < value.size(); i++) {
        JsonNode code = value.get(i);
        String text = code.isString() ? code.stringValue().trim() : null;
        if (!SocialPrescribing.isIcbCode(text)) {
          problem(e.at(field) + "[" + i + "]", "is not an ICB ODS code (e.g. QMM)");
        } else if (!codes.contains(text)) {
          codes.add(text);
        }
      }
      return codes;
    }

    private void addDistrict(Element e, List<String> districts) {
      String postcode = text(e, "postal_code", false, false);
      if (postcode == null) return;
      String district = Postcodes.district(postcode);
      if (district == null) problem(e.at("postal_code"), "is not a UK postcode (e.g. NR2 4TE): '" + postcode + "'");
      else districts.add(district);
    }

    /** The term as a CURIE: code with its prefix, or taxonomy:code, or the name. */
    private String curie(Element e) {
      String code = text(e, "code", false, false);
      String value = code != null ? code : text(e, "name", false, false);
      if (value == null) {
        problem(e.at("code"), "is required: the term, e.g. esdNeed:loneliness (or loneliness with taxonomy esdNeed)");
        return null;
      }
      if (value.contains(":")) return value;
      String taxonomy = text(e, "taxonomy", false, false);
      return taxonomy != null && CURIE_PREFIX.matcher(taxonomy).matches() ? taxonomy + ":" + value : value;
    }

    private void problem(String field, String reason) {
      problems.add(new FieldProblem(field, reason));
    }
  }
}
