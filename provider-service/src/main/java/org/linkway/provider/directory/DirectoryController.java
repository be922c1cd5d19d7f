package org.linkway.provider.directory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.linkway.events.NeedCode;
import org.linkway.events.ServiceListed;
import org.linkway.events.ServiceStatus;
import org.linkway.platform.EventPublisher;
import org.linkway.platform.Events;
import org.linkway.platform.ProblemException;
import org.linkway.platform.ProblemException.FieldProblem;
import org.linkway.platform.TableView;
import org.linkway.platform.Topics;
import org.linkway.provider.ProviderServiceApplication;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The provider directory: organisations and their services, each service one ServiceListed on the
 * compacted {@code provider-directory} topic, so that the latest listing of a service is what counts.
 */
@RestController
class DirectoryController {

  private static final Pattern ID = Pattern.compile("^[a-z0-9][a-z0-9-]{1,63}$");
  private static final Pattern ICB = Pattern.compile("^Q[A-Z0-9]{2}$");
  private static final Pattern DISTRICT = Pattern.compile("^[A-Z]{1,2}[0-9][A-Z0-9]?$");

  record ServiceRequest(String serviceId, String name, List<String> needs, List<String> taxonomy,
      List<String> commissioners, List<String> postcodeDistricts, Integer capacity, String status) {}

  record ProviderRequest(String providerId, String name, List<ServiceRequest> services) {}

  record ServiceView(String serviceId, String name, List<String> needs, List<String> taxonomy,
      List<String> commissioners, List<String> postcodeDistricts, int capacity, String status) {}

  record ProviderView(String providerId, String name, List<ServiceView> services) {}

  private final EventPublisher publisher;
  private final TableView<ServiceListed> directory;

  DirectoryController(EventPublisher publisher, TableView<ServiceListed> directory) {
    this.publisher = publisher;
    this.directory = directory;
  }

  @PostMapping("/providers")
  Mono<ResponseEntity<ProviderView>> register(@RequestBody ProviderRequest request) {
    List<FieldProblem> problems = new ArrayList<>();
    if (request.providerId() == null || !ID.matcher(request.providerId()).matches()) {
      problems.add(new FieldProblem("providerId", "is required: 2-64 lower-case letters, digits and hyphens"));
    }
    if (blank(request.name())) problems.add(new FieldProblem("name", "is required"));
    if (request.services() == null || request.services().isEmpty()) {
      problems.add(new FieldProblem("services", "must list at least one service"));
    } else {
      for (int i = 0; i < request.services().size(); i++) {
        ServiceRequest service = request.services().get(i);
        if (service == null || service.serviceId() == null || !ID.matcher(service.serviceId()).matches()) {
          problems.add(new FieldProblem("services[" + i + "].serviceId", "is required: 2-64 lower-case letters, digits and hyphens"));
        }
        if (service != null) validate(service, "services[" + i + "].", problems);
      }
    }
    if (!problems.isEmpty()) return Mono.error(new ProblemException.Invalid(problems));
    List<ServiceListed> listings = request.services().stream()
        .map(s -> listing(request.providerId(), request.name(), s.serviceId(), s)).toList();
    return Flux.fromIterable(listings)
        .concatMap(listing -> publisher.publish(Topics.PROVIDER_DIRECTORY, listing.getServiceId(), listing))
        .then(Mono.fromSupplier(() -> ResponseEntity.status(HttpStatus.CREATED)
            .body(new ProviderView(request.providerId(), request.name(), listings.stream().map(DirectoryController::view).toList()))));
  }

  @PutMapping("/providers/{providerId}/services/{serviceId}")
  Mono<ServiceView> list(@PathVariable String providerId, @PathVariable String serviceId, @RequestBody ServiceRequest request) {
    String providerName = directory.values().stream()
        .filter(s -> s.getProviderId().equals(providerId)).map(ServiceListed::getProviderName).findFirst()
        .orElseThrow(() -> new ProblemException.NotFound("no provider " + providerId + ": register it with POST /providers"));
    List<FieldProblem> problems = new ArrayList<>();
    if (!ID.matcher(serviceId).matches()) problems.add(new FieldProblem("serviceId", "2-64 lower-case letters, digits and hyphens"));
    directory.get(serviceId).filter(s -> !s.getProviderId().equals(providerId)).ifPresent(s ->
        problems.add(new FieldProblem("serviceId", "belongs to another provider")));
    validate(request, "", problems);
    if (!problems.isEmpty()) return Mono.error(new ProblemException.Invalid(problems));
    ServiceListed listing = listing(providerId, providerName, serviceId, request);
    return publisher.publish(Topics.PROVIDER_DIRECTORY, serviceId, listing).thenReturn(view(listing));
  }

  @GetMapping("/providers")
  List<ProviderView> providers() {
    Map<String, List<ServiceListed>> byProvider = directory.values().stream()
        .collect(Collectors.groupingBy(ServiceListed::getProviderId, TreeMap::new, Collectors.toList()));
    return byProvider.values().stream()
        .map(services -> new ProviderView(services.get(0).getProviderId(), services.get(0).getProviderName(),
            services.stream().sorted(Comparator.comparing(ServiceListed::getServiceId)).map(DirectoryController::view).toList()))
        .toList();
  }

  private static void validate(ServiceRequest s, String prefix, List<FieldProblem> problems) {
    if (blank(s.name())) problems.add(new FieldProblem(prefix + "name", "is required"));
    if (s.needs() == null || s.needs().isEmpty()) {
      problems.add(new FieldProblem(prefix + "needs", "must name at least one need"));
    } else {
      for (int i = 0; i < s.needs().size(); i++) {
        if (!isNeed(s.needs().get(i))) problems.add(new FieldProblem(prefix + "needs[" + i + "]", "is not a known need code"));
      }
    }
    if (s.commissioners() == null || s.commissioners().isEmpty()) {
      problems.add(new FieldProblem(prefix + "commissioners", "must name at least one ICB code (e.g. QMM)"));
    } else {
      for (int i = 0; i < s.commissioners().size(); i++) {
        String code = s.commissioners().get(i);
        if (code == null || !ICB.matcher(code).matches()) problems.add(new FieldProblem(prefix + "commissioners[" + i + "]", "is not an ICB ODS code"));
      }
    }
    if (s.postcodeDistricts() != null) {
      for (int i = 0; i < s.postcodeDistricts().size(); i++) {
        String district = s.postcodeDistricts().get(i);
        if (district == null || !DISTRICT.matcher(district).matches()) {
          problems.add(new FieldProblem(prefix + "postcodeDistricts[" + i + "]", "is not a postcode district (e.g. NR1)"));
        }
      }
    }
    if (s.capacity() == null || s.capacity() < 0) problems.add(new FieldProblem(prefix + "capacity", "is required: the number of open places, 0 or more"));
    if (s.status() != null && parseStatus(s.status()) == null) {
      problems.add(new FieldProblem(prefix + "status", "must be ACTIVE, INACTIVE, DEFUNCT or TEMPORARILY_CLOSED"));
    }
  }

  private static ServiceListed listing(String providerId, String providerName, String serviceId, ServiceRequest s) {
    return ServiceListed.newBuilder()
        .setMetadata(Events.metadata(ProviderServiceApplication.NAME, null, null))
        .setServiceId(serviceId)
        .setProviderId(providerId)
        .setProviderName(providerName)
        .setServiceName(s.name())
        .setNeeds(s.needs().stream().distinct().map(NeedCode::valueOf).toList())
        .setTaxonomy(s.taxonomy() == null ? List.of() : s.taxonomy())
        .setCommissioners(s.commissioners())
        .setPostcodeDistricts(s.postcodeDistricts() == null ? List.of() : s.postcodeDistricts())
        .setCapacity(s.capacity())
        .setStatus(s.status() == null ? ServiceStatus.ACTIVE : parseStatus(s.status()))
        .build();
  }

  private static ServiceView view(ServiceListed s) {
    return new ServiceView(s.getServiceId(), s.getServiceName(), s.getNeeds().stream().map(Enum::name).toList(),
        s.getTaxonomy(), s.getCommissioners(), s.getPostcodeDistricts(), s.getCapacity(), s.getStatus().name());
  }

  private static boolean isNeed(String value) {
    return value != null && !value.equals(NeedCode.UNKNOWN.name())
        && java.util.Arrays.stream(NeedCode.values()).anyMatch(n -> n.name().equals(value));
  }

  private static ServiceStatus parseStatus(String value) {
    return java.util.Arrays.stream(ServiceStatus.values())
        .filter(s -> s != ServiceStatus.UNKNOWN && s.name().equals(value)).findFirst().orElse(null);
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
