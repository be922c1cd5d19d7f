package org.linkway.provider.directory.api;

import java.util.List;
import org.linkway.platform.web.PageRequest;
import org.linkway.provider.directory.api.DirectoryService.ImportSummary;
import org.linkway.provider.directory.api.DirectoryService.ProviderRequest;
import org.linkway.provider.directory.api.DirectoryService.ProviderView;
import org.linkway.provider.directory.api.DirectoryService.ServiceRequest;
import org.linkway.provider.directory.api.DirectoryService.ServiceView;
import org.linkway.provider.directory.domain.DirectoryCodes;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;

/**
 * The provider directory over HTTP: registering providers, importing an Open Referral UK / HSDS
 * directory, listing, pausing and resuming services, and the commissioners' listing of them. The
 * rules are {@link DirectoryService}'s.
 */
@RestController
public class DirectoryController {

  private final DirectoryService directory;

  DirectoryController(DirectoryService directory) {
    this.directory = directory;
  }

  @PostMapping("/providers")
  Mono<ResponseEntity<ProviderView>> register(@RequestBody ProviderRequest request) {
    return directory.register(request).map(provider -> ResponseEntity.status(HttpStatus.CREATED).body(provider));
  }

  /** Imports an Open Referral UK / HSDS 3.0 directory: {@link DirectoryService#importDirectory}. */
  @PostMapping("/providers/import")
  Mono<ImportSummary> importDirectory(@RequestBody JsonNode document) {
    return directory.importDirectory(document);
  }

  /** Lists or changes one service: {@link DirectoryService#list(String, String, ServiceRequest)}. */
  @PutMapping("/providers/{providerId}/services/{serviceId}")
  Mono<ServiceView> list(@PathVariable String providerId, @PathVariable String serviceId, @RequestBody ServiceRequest request) {
    return directory.list(providerId, serviceId, request);
  }

  /** The commissioner lists the service for its referrals: {@link DirectoryService#addCommissioner}. */
  @PutMapping("/providers/{providerId}/services/{serviceId}/commissioners/{icb}")
  Mono<ServiceView> addCommissioner(@PathVariable String providerId, @PathVariable String serviceId, @PathVariable String icb) {
    return directory.addCommissioner(providerId, serviceId, icb);
  }

  /** The commissioner no longer lists the service: {@link DirectoryService#removeCommissioner}. */
  @DeleteMapping("/providers/{providerId}/services/{serviceId}/commissioners/{icb}")
  Mono<ServiceView> removeCommissioner(@PathVariable String providerId, @PathVariable String serviceId, @PathVariable String icb) {
    return directory.removeCommissioner(providerId, serviceId, icb);
  }

  /** The provider takes no new referrals for this service until it resumes; the listing stays. */
  @PostMapping("/providers/{providerId}/services/{serviceId}/pause")
  Mono<ServiceView> pause(@PathVariable String providerId, @PathVariable String serviceId) {
    return directory.pause(providerId, serviceId);
  }

  @PostMapping("/providers/{providerId}/services/{serviceId}/resume")
  Mono<ServiceView> resume(@PathVariable String providerId, @PathVariable String serviceId) {
    return directory.resume(providerId, serviceId);
  }

  /**
   * A page of the directory's providers, by id, each with its services ({@link DirectoryService#providers}):
   * {@value DirectoryService#PROVIDERS_PAGE} unless {@code ?limit=} says otherwise (at most
   * {@value PageRequest#MAX_LIMIT}), from just after the provider {@code ?after=}; when more follow, the answer's
   * {@code Link: <…>; rel="next"} is the page after. Read off the event loop.
   */
  @GetMapping("/providers")
  Mono<List<ProviderView>> providers(@RequestParam(required = false) String after,
      @RequestParam(required = false) String limit, ServerHttpRequest request, ServerHttpResponse response) {
    PageRequest page = PageRequest.of(after, limit, DirectoryService.PROVIDERS_PAGE, DirectoryCodes.ID);
    return Mono.fromCallable(() -> directory.providers(page)).subscribeOn(Schedulers.boundedElastic()).map(found -> {
      page.linkNext(request, response, found.next());
      return found.providers();
    });
  }
}
