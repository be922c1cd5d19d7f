package org.linkway.provider.directory.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.linkway.commands.DirectoryCommand;
import org.linkway.events.NeedCode;
import org.linkway.events.ServiceKind;
import org.linkway.events.ServiceListed;
import org.linkway.events.ServiceStatus;
import org.linkway.platform.domain.FreeText;
import org.linkway.platform.domain.Postcodes;
import org.linkway.platform.domain.SocialPrescribing;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.security.Caller;
import org.linkway.platform.security.Role;
import org.linkway.platform.streams.ReferenceTable;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.streams.TableIndex;
import org.linkway.platform.web.PageRequest;
import org.linkway.platform.web.ProblemException;
import org.linkway.platform.web.ProblemException.FieldProblem;
import org.linkway.provider.ProviderServiceApplication;
import org.linkway.provider.directory.domain.DirectoryCodes;
import org.linkway.provider.directory.stream.DirectoryCommands;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * The provider directory, as the API ({@link DirectoryController}) and the provider's pages list, change
 * and read it: organisations and their services, each service one ServiceListed on the
 * compacted {@code provider-directory} topic, so that the latest listing of a service is what counts.
 *
 * <p>{@code intakePaused} is the provider's operational switch ({@code .../pause}, {@code .../resume}):
 * POST and PUT set it only when the body names it, and an HSDS import never changes it.
 */
@Component
public class DirectoryService {

  /** Listings written at once while importing: different keys, so their order does not matter. */
  private static final int IMPORT_CONCURRENCY = 16;
  /** The longest provider or service name, and the longest taxonomy term. */
  static final int MAX_NAME = 200;
  /** The most open places a service can list: more is a mistake, not a service. */
  static final int MAX_CAPACITY = 1_000_000;
  static final int MAX_TAXONOMY_TERMS = 100;
  /** The most GP practices one link worker service covers: a primary care network has a handful, a large area dozens. */
  static final int MAX_PRACTICES = 500;
  /** The providers on a page of {@code GET /providers} unless {@code ?limit=} says otherwise. */
  public static final int PROVIDERS_PAGE = 100;

  public record ServiceRequest(String serviceId, String name, List<String> needs, List<String> taxonomy,
      List<String> commissioners, List<String> postcodeDistricts, Integer capacity, String status,
      Integer minAge, Integer maxAge, Boolean intakePaused, String kind, List<String> practices) {}

  record ProviderRequest(String providerId, String name, List<ServiceRequest> services) {}

  public record ServiceView(String serviceId, String name, List<String> needs, List<String> taxonomy,
      List<String> commissioners, List<String> postcodeDistricts, int capacity, String status,
      Integer minAge, Integer maxAge, boolean intakePaused, String kind, List<String> practices) {}

  public record ProviderView(String providerId, String name, List<ServiceView> services) {}

  /**
   * The answer to an import: {@code needsMapped} counts (service, need) pairs; {@code unmappedTerms} are the
   * distinct taxonomy terms that met no need (kept on the listings all the same); {@code servicesWithoutNeeds}
   * are listed but no referral will match them until they carry a term that maps to a need.
   */
  record ImportSummary(int organizations, int services, int needsMapped, List<String> unmappedTerms,
      List<String> servicesWithoutNeeds) {}

  private final DirectoryCommands commands;
  private final ReferenceTable<ServiceListed> directory;

  DirectoryService(DirectoryCommands commands, ReferenceTable<ServiceListed> directory) {
    this.commands = commands;
    this.directory = directory;
  }

  Mono<ProviderView> register(ProviderRequest request) {
    List<FieldProblem> problems = new ArrayList<>();
    if (request.providerId() == null || !DirectoryCodes.ID.matcher(request.providerId()).matches()) {
      problems.add(new FieldProblem("providerId", "is required: " + DirectoryCodes.ID_RULE));
    }
    name(request.name(), "name", problems);
    if (request.services() == null || request.services().isEmpty()) {
      problems.add(new FieldProblem("services", "must list at least one service"));
    } else {
      for (int i = 0; i < request.services().size(); i++) {
        ServiceRequest service = request.services().get(i);
        if (service == null || service.serviceId() == null || !DirectoryCodes.ID.matcher(service.serviceId()).matches()) {
          problems.add(new FieldProblem("services[" + i + "].serviceId", "is required: " + DirectoryCodes.ID_RULE));
        }
        if (service != null) validate(service, "services[" + i + "].", problems, true);
        if (service != null && service.serviceId() != null) {
          String field = "services[" + i + "].serviceId";
          directory.get(service.serviceId()).filter(listed -> !listed.getProviderId().equals(request.providerId()))
              .ifPresent(listed -> problems.add(new FieldProblem(field, "belongs to another provider")));
          if (request.services().subList(0, i).stream().anyMatch(s -> s != null && service.serviceId().equals(s.serviceId()))) {
            problems.add(new FieldProblem(field, "is listed twice in this request"));
          }
        }
      }
    }
    if (!problems.isEmpty()) return Mono.error(new ProblemException.Invalid(problems));
    return Flux.fromIterable(request.services())
        .concatMap(s -> decide(listing(request.providerId(), request.name(), s.serviceId(), s, s.commissioners()),
            false, s.intakePaused()))
        .map(DirectoryService::view)
        .collectList()
        .map(services -> new ProviderView(request.providerId(), request.name(), services));
  }

  /**
   * Imports an Open Referral UK / HSDS 3.0 directory (see {@link HsdsImport} for the shape and the Linkway
   * extension). The whole file is checked first: if anything is wrong, nothing is published and the answer
   * is 400 naming each bad element by its JSON path. Otherwise every service is published under its id, so
   * importing the same file again updates the same listings.
   */
  Mono<ImportSummary> importDirectory(JsonNode document) {
    return Mono.fromCallable(() -> HsdsImport.read(document, directory::get))
        .flatMap(result -> Flux.fromIterable(result.listings())
            .flatMap(listing -> decide(listing, false, null), IMPORT_CONCURRENCY)
            .then(Mono.fromSupplier(() -> new ImportSummary(result.organizations(), result.listings().size(),
                result.needsMapped(), result.unmappedTerms(), result.servicesWithoutNeeds()))));
  }

  /**
   * Lists or changes one service. Only the admin's word sets its {@code commissioners} here (it
   * registers the directory on the commissioners' behalf); a provider describes its service, and its
   * commissioners stay as the commissioners set them ({@link #addCommissioner}).
   */
  public Mono<ServiceView> list(String providerId, String serviceId, ServiceRequest request) {
    return Caller.ofCurrentRequest().map(caller -> caller.role() == Role.ADMIN).defaultIfEmpty(false)
        .flatMap(admin -> list(providerId, serviceId, request, admin));
  }

  private Mono<ServiceView> list(String providerId, String serviceId, ServiceRequest request, boolean admin) {
    // its first listing names the provider: one value read, however many services it lists
    String providerName = directory.under(TableIndex.SERVICES_BY_PROVIDER, providerId, null, 1).values().stream()
        .map(ServiceListed::getProviderName).findFirst()
        .orElseThrow(() -> new ProblemException.NotFound("no provider " + providerId + ": register it with POST /providers"));
    List<FieldProblem> problems = new ArrayList<>();
    if (!DirectoryCodes.ID.matcher(serviceId).matches()) problems.add(new FieldProblem("serviceId", DirectoryCodes.ID_RULE));
    if (request.serviceId() != null && !request.serviceId().equals(serviceId)) {
      problems.add(new FieldProblem("serviceId", "is given by the path (" + serviceId + "); leave it out of the body or make it the same"));
    }
    Optional<ServiceListed> current = directory.get(serviceId);
    current.filter(s -> !s.getProviderId().equals(providerId)).ifPresent(s ->
        problems.add(new FieldProblem("serviceId", "belongs to another provider")));
    // a provider's listing is checked as the service it describes: of the kind, for the practices, the listing has
    ServiceRequest described = admin ? request : withCommissionersPart(request, current);
    validate(described, "", problems, admin);
    if (!problems.isEmpty()) return Mono.error(new ProblemException.Invalid(problems));
    List<String> commissioners = request.commissioners();
    // the check on the table answers at once; the decider keeps the commissioners it holds, which may be newer
    if (!admin) {
      List<String> listedBy = current.map(ServiceListed::getCommissioners).orElse(List.of());
      Optional<String> notListedBy = commissioners == null ? Optional.empty()
          : commissioners.stream().filter(code -> !listedBy.contains(code)).findFirst();
      if (notListedBy.isPresent()) {
        return Mono.error(new ProblemException.Forbidden(new FieldProblem("commissioners", "names " + notListedBy.get()
            + ", which has not listed this service: only a commissioner lists a service for its referrals")));
      }
      commissioners = listedBy;
      Optional<FieldProblem> notTheirs = commissionersOwn(request, current);
      if (notTheirs.isPresent()) return Mono.error(new ProblemException.Forbidden(notTheirs.get()));
    }
    return decide(listing(providerId, providerName, serviceId, described, commissioners), !admin, request.intakePaused())
        .map(DirectoryService::view);
  }

  /** The request with the listing's kind and practices where it leaves them out. */
  private static ServiceRequest withCommissionersPart(ServiceRequest r, Optional<ServiceListed> current) {
    String kind = r.kind() != null ? r.kind() : current.map(s -> s.getKind().name()).orElse(null);
    List<String> practices = r.practices() != null ? r.practices() : current.map(ServiceListed::getPractices).orElse(null);
    return new ServiceRequest(r.serviceId(), r.name(), r.needs(), r.taxonomy(), r.commissioners(), r.postcodeDistricts(),
        r.capacity(), r.status(), r.minAge(), r.maxAge(), r.intakePaused(), kind, practices);
  }

  /**
   * The commissioner lists the service for its referrals: from now on routing may offer it that
   * ICB's referrals. Its decision alone (or the admin's on its behalf), never the provider's.
   */
  Mono<ServiceView> addCommissioner(String providerId, String serviceId, String icb) {
    return setCommissioner(providerId, serviceId, icb, true);
  }

  /** The commissioner no longer lists the service: routing offers it none of that ICB's referrals. */
  Mono<ServiceView> removeCommissioner(String providerId, String serviceId, String icb) {
    return setCommissioner(providerId, serviceId, icb, false);
  }

  /** The provider takes no new referrals for this service until it resumes; the listing stays. */
  public Mono<ServiceView> pause(String providerId, String serviceId) {
    return setIntakePaused(providerId, serviceId, true);
  }

  public Mono<ServiceView> resume(String providerId, String serviceId) {
    return setIntakePaused(providerId, serviceId, false);
  }

  /**
   * A page of the directory's providers, by id, each with its services by id: from just after the provider
   * {@code page.after()}, read by a range of the directory's index by provider ({@link TableIndex#SERVICES_BY_PROVIDER}),
   * never the whole directory. {@code next}: the cursor of the page after, null when none follows.
   */
  public ProvidersPage providers(PageRequest page) {
    ReferenceTable.Filed<ServiceListed> filed = directory.filed(TableIndex.SERVICES_BY_PROVIDER, page.after(), page.limit());
    List<ProviderView> providers = filed.byTerm().entrySet().stream()
        .filter(provider -> !provider.getValue().isEmpty())
        .map(provider -> new ProviderView(provider.getKey(), provider.getValue().get(0).getProviderName(),
            provider.getValue().stream().map(DirectoryService::view).toList()))
        .toList();
    return new ProvidersPage(providers, filed.next());
  }

  /**
   * The directory's first {@code limit} providers, by id, each with its name (its first listing's): read by a range of
   * the directory's index by provider a provider at a time, one listing each, however many services each lists.
   */
  public Map<String, String> providerNames(int limit) {
    Map<String, String> names = new LinkedHashMap<>();
    directory.firstUnder(TableIndex.SERVICES_BY_PROVIDER, null, limit)
        .forEach((providerId, listed) -> names.put(providerId, listed.getProviderName()));
    return names;
  }

  /** A page of the directory's providers, and the cursor of the page after (null: none follows). */
  public record ProvidersPage(List<ProviderView> providers, String next) {}

  /**
   * A page of the provider's services, by id, from just after the service {@code page.after()}: read by a range of the
   * directory's index by provider that stops one service after the page, never the provider's whole listing nor the
   * whole directory. {@code next}: the cursor of the page after, null when none follows.
   */
  public ServicesPage services(String providerId, PageRequest page) {
    StoreQueries.Page<ServiceListed> found = directory.under(TableIndex.SERVICES_BY_PROVIDER, providerId, page.after(),
        page.limit());
    return new ServicesPage(found.values().stream().map(DirectoryService::view).toList(), found.next());
  }

  /** A page of a provider's services, and the cursor of the page after (null: none follows). */
  public record ServicesPage(List<ServiceView> services, String next) {}

  /** The provider's service {@code serviceId}, read by key: none if it is not listed or is another provider's. */
  public Optional<ServiceView> service(String providerId, String serviceId) {
    return directory.get(serviceId).filter(s -> s.getProviderId().equals(providerId)).map(DirectoryService::view);
  }

  private Mono<ServiceView> setIntakePaused(String providerId, String serviceId, boolean paused) {
    return change(providerId, serviceId, command -> command.setIntakePaused(paused));
  }

  private Mono<ServiceView> setCommissioner(String providerId, String serviceId, String icb, boolean listed) {
    if (!SocialPrescribing.isIcbCode(icb)) {
      return Mono.error(new ProblemException.Invalid(List.of(new FieldProblem("icb", "is not an ICB ODS code (e.g. QMM)"))));
    }
    return change(providerId, serviceId, command -> {
      if (listed) command.setAddCommissioner(icb); else command.setRemoveCommissioner(icb);
    });
  }

  /** One change to a listed service of this provider, applied by the decider to the listing as it holds it. */
  private Mono<ServiceView> change(String providerId, String serviceId, Consumer<DirectoryCommand.Builder> change) {
    ServiceListed current = directory.get(serviceId)
        .orElseThrow(() -> new ProblemException.NotFound("no service " + serviceId + " in the directory"));
    if (!current.getProviderId().equals(providerId)) {
      return Mono.error(new ProblemException.Conflict("service " + serviceId + " belongs to another provider"));
    }
    DirectoryCommand.Builder command = DirectoryCommand.newBuilder()
        .setMetadata(Events.metadata(ProviderServiceApplication.NAME, null, null))
        .setProviderId(providerId);
    change.accept(command);
    return commands.send(serviceId, command.build()).map(DirectoryService::view);
  }

  /**
   * A whole listing, decided by the directory's decider: refused (409) when another provider holds
   * the id, however close together the claims came. {@code keepCommissioners}: the provider's own
   * word, so the commissioners stay as the decider holds them; {@code intakePaused} null: it stays.
   */
  private Mono<ServiceListed> decide(ServiceListed listing, boolean keepCommissioners, Boolean intakePaused) {
    return commands.send(listing.getServiceId(), DirectoryCommand.newBuilder()
        .setMetadata(Events.metadata(ProviderServiceApplication.NAME, null, null))
        .setProviderId(listing.getProviderId())
        .setListing(listing)
        .setKeepCommissioners(keepCommissioners)
        .setIntakePaused(intakePaused)
        .build());
  }

  /**
   * A provider's word on its kind or the practices it covers, where it differs from the listing: refused, since which
   * practices' referrals a link worker service takes first is the commissioners' decision (the admin lists it for them).
   * Leaving them out, or naming them as they are, keeps them.
   */
  private static Optional<FieldProblem> commissionersOwn(ServiceRequest request, Optional<ServiceListed> current) {
    ServiceKind kind = current.map(ServiceListed::getKind).orElse(ServiceKind.COMMUNITY);
    List<String> practices = current.map(ServiceListed::getPractices).orElse(List.of());
    if (request.kind() != null && DirectoryCodes.kind(request.kind()) != kind) {
      return Optional.of(new FieldProblem("kind", "is " + kind + " as the commissioners listed it: only the admin, on their"
          + " behalf, makes a service a link worker service or a community one"));
    }
    if (request.practices() != null && !Set.copyOf(request.practices()).equals(Set.copyOf(practices))) {
      return Optional.of(new FieldProblem("practices", "are the commissioners' to set: only the admin, on their behalf,"
          + " says which practices' referrals a link worker service takes first"));
    }
    return Optional.empty();
  }

  /** {@code commissionersRequired}: the admin registers a service for at least one commissioner; a provider names none. */
  private static void validate(ServiceRequest s, String prefix, List<FieldProblem> problems, boolean commissionersRequired) {
    name(s.name(), prefix + "name", problems);
    if (s.taxonomy() != null) {
      if (s.taxonomy().size() > MAX_TAXONOMY_TERMS) {
        problems.add(new FieldProblem(prefix + "taxonomy", "lists " + s.taxonomy().size() + " terms: at most " + MAX_TAXONOMY_TERMS));
      } else {
        for (int i = 0; i < s.taxonomy().size(); i++) name(s.taxonomy().get(i), prefix + "taxonomy[" + i + "]", problems);
      }
    }
    ServiceKind kind = s.kind() == null ? ServiceKind.COMMUNITY : DirectoryCodes.kind(s.kind());
    if (kind == null) problems.add(new FieldProblem(prefix + "kind", "must be COMMUNITY or LINK_WORKER"));
    practices(s.practices(), kind, prefix, problems);
    if (s.needs() == null || s.needs().isEmpty()) {
      // a link worker service takes a referral whatever the needs: it finds the community services that meet them
      if (kind != ServiceKind.LINK_WORKER) problems.add(new FieldProblem(prefix + "needs", "must name at least one need"));
    } else {
      for (int i = 0; i < s.needs().size(); i++) {
        if (!DirectoryCodes.isNeed(s.needs().get(i))) problems.add(new FieldProblem(prefix + "needs[" + i + "]", "is not a known need code"));
      }
    }
    if (s.commissioners() == null || s.commissioners().isEmpty()) {
      if (commissionersRequired) problems.add(new FieldProblem(prefix + "commissioners", "must name at least one ICB code (e.g. QMM)"));
    } else {
      for (int i = 0; i < s.commissioners().size(); i++) {
        String code = s.commissioners().get(i);
        if (!SocialPrescribing.isIcbCode(code)) problems.add(new FieldProblem(prefix + "commissioners[" + i + "]", "is not an ICB ODS code"));
      }
    }
    if (s.postcodeDistricts() != null) {
      for (int i = 0; i < s.postcodeDistricts().size(); i++) {
        String district = s.postcodeDistricts().get(i);
        if (district == null || !Postcodes.DISTRICT.matcher(district).matches()) {
          problems.add(new FieldProblem(prefix + "postcodeDistricts[" + i + "]", "is not a postcode district (e.g. NR1)"));
        }
      }
    }
    if (s.capacity() == null || s.capacity() < 0 || s.capacity() > MAX_CAPACITY) {
      problems.add(new FieldProblem(prefix + "capacity", "is required: the number of open places, 0 to " + MAX_CAPACITY));
    }
    if (s.status() != null && DirectoryCodes.status(s.status()) == null) {
      problems.add(new FieldProblem(prefix + "status", "must be ACTIVE, INACTIVE, DEFUNCT or TEMPORARILY_CLOSED"));
    }
    String ages = "must be a whole number of years, 0-" + DirectoryCodes.MAX_AGE;
    if (s.minAge() != null && (s.minAge() < 0 || s.minAge() > DirectoryCodes.MAX_AGE)) problems.add(new FieldProblem(prefix + "minAge", ages));
    if (s.maxAge() != null && (s.maxAge() < 0 || s.maxAge() > DirectoryCodes.MAX_AGE)) problems.add(new FieldProblem(prefix + "maxAge", ages));
    if (s.minAge() != null && s.maxAge() != null && s.minAge() > s.maxAge()) {
      problems.add(new FieldProblem(prefix + "maxAge", "must not be below minAge (" + s.minAge() + ")"));
    }
  }

  /** A link worker service covers at least one GP practice, each named once by its ODS code; a community service none. */
  private static void practices(List<String> practices, ServiceKind kind, String prefix, List<FieldProblem> problems) {
    boolean none = practices == null || practices.isEmpty();
    if (kind == ServiceKind.LINK_WORKER && none) {
      problems.add(new FieldProblem(prefix + "practices", "must name at least one GP practice (ODS code, e.g. A81001)"
          + " for a link worker service"));
    } else if (kind == ServiceKind.COMMUNITY && !none) {
      problems.add(new FieldProblem(prefix + "practices", "are for a link worker service (kind LINK_WORKER): a community"
          + " service covers postcode districts"));
    } else if (!none && practices.size() > MAX_PRACTICES) {
      problems.add(new FieldProblem(prefix + "practices", "lists " + practices.size() + " practices: at most " + MAX_PRACTICES));
    } else if (!none) {
      for (int i = 0; i < practices.size(); i++) {
        String code = practices.get(i);
        if (!SocialPrescribing.isPracticeCode(code)) {
          problems.add(new FieldProblem(prefix + "practices[" + i + "]", "is not a GP practice ODS code (a capital and 5 digits, e.g. A81001)"));
        } else if (practices.subList(0, i).contains(code)) {
          problems.add(new FieldProblem(prefix + "practices[" + i + "]", "names " + code + " twice"));
        }
      }
    }
  }

  /** The listing a request describes; without {@code intakePaused} in the request, the decider keeps the current one. */
  private static ServiceListed listing(String providerId, String providerName, String serviceId, ServiceRequest s,
      List<String> commissioners) {
    boolean paused = s.intakePaused() != null && s.intakePaused();
    return ServiceListed.newBuilder()
        .setMetadata(Events.metadata(ProviderServiceApplication.NAME, null, null))
        .setServiceId(serviceId)
        .setProviderId(providerId)
        .setProviderName(providerName)
        .setServiceName(s.name())
        .setNeeds(s.needs() == null ? List.of() : s.needs().stream().distinct().map(NeedCode::valueOf).toList())
        .setTaxonomy(s.taxonomy() == null ? List.of() : s.taxonomy())
        .setCommissioners(List.copyOf(commissioners))
        .setPostcodeDistricts(s.postcodeDistricts() == null ? List.of() : s.postcodeDistricts())
        .setCapacity(s.capacity())
        .setStatus(s.status() == null ? ServiceStatus.ACTIVE : DirectoryCodes.status(s.status()))
        .setMinAge(s.minAge())
        .setMaxAge(s.maxAge())
        .setIntakePaused(paused)
        .setKind(s.kind() == null ? ServiceKind.COMMUNITY : DirectoryCodes.kind(s.kind()))
        .setPractices(s.practices() == null ? List.of() : List.copyOf(s.practices()))
        .build();
  }

  private static ServiceView view(ServiceListed s) {
    return new ServiceView(s.getServiceId(), s.getServiceName(), s.getNeeds().stream().map(Enum::name).toList(),
        s.getTaxonomy(), s.getCommissioners(), s.getPostcodeDistricts(), s.getCapacity(), s.getStatus().name(),
        s.getMinAge(), s.getMaxAge(), s.getIntakePaused(), s.getKind().name(), s.getPractices());
  }

  /** A name or a term: required, at most {@link #MAX_NAME} characters, no control characters. */
  private static void name(String value, String field, List<FieldProblem> problems) {
    String problem = blank(value) ? "is required" : FreeText.problem(value, MAX_NAME, false);
    if (problem != null) problems.add(new FieldProblem(field, problem));
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
