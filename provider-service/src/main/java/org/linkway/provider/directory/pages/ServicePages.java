package org.linkway.provider.directory.pages;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.linkway.platform.pages.PageController;
import org.linkway.platform.pages.PageWords;
import org.linkway.platform.pages.SignInChoices;
import org.linkway.platform.pages.Templates;
import org.linkway.platform.security.Caller;
import org.linkway.platform.security.Role;
import org.linkway.platform.web.PageRequest;
import org.linkway.platform.web.ProblemException;
import org.linkway.provider.directory.api.DirectoryService;
import org.linkway.provider.directory.api.DirectoryService.ServiceRequest;
import org.linkway.provider.directory.api.DirectoryService.ServiceView;
import org.linkway.provider.directory.domain.DirectoryCodes;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatusCode;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;

/**
 * The provider's services on its pages: how many open places each has, and pausing or resuming
 * intake. The changes are the API's own ({@link DirectoryService}, as
 * {@link org.linkway.provider.directory.api.DirectoryController} makes them: PUT the service, pause, resume) for
 * the caller's own provider id, with the API's problems shown beside their field.
 */
@PageController
class ServicePages {

  static final String PAGE = "/app/inbox/services";
  static final String VIEW = "inbox/services";

  /** How many services the page shows at once. */
  static final int LISTED = 50;

  /**
   * The model of {@value #VIEW}: a page of the caller's services ({@value #LISTED}, by id) with the needs each meets in
   * words, a notice of what was just done (to {@code noticeService}), and after a problem each one by field and what was
   * typed by service. {@code after}: the cursor the page was read from (null: the first page), which its forms send
   * back so that the page comes back as it was; {@code more}: the link to the page after (null at the end).
   */
  record Services(List<ServiceView> services, Map<String, String> needs, String notice, String noticeService,
      Map<String, String> errors, Map<String, String> typed, String after, String more) {}

  private static final Map<String, String> NOTICES = Map.of(
      "capacity", "Open places saved.",
      "paused", "Intake paused: you will get no new offers for this service until you resume it.",
      "resumed", "Intake resumed: this service can get new offers again.");

  private final DirectoryService directory;

  ServicePages(DirectoryService directory) {
    this.directory = directory;
  }

  /**
   * The local sign-in page offers the directory's first {@value DirectoryService#PROVIDERS_PAGE} providers, by id, as
   * demo parties (read by the directory's index by provider, one listing a provider for its name; any other is typed):
   * asked only when the demo sign-in is on.
   */
  @Bean
  static SignInChoices providerSignInChoices(DirectoryService directory) {
    return () -> directory.providerNames(DirectoryService.PROVIDERS_PAGE).entrySet().stream()
        .map(p -> new SignInChoices.Party(Role.PROVIDER, p.getKey(), "Provider: " + p.getValue())).toList();
  }

  /** A page of the caller's services, {@value #LISTED} at a time from just after the service {@code ?after=}. */
  @GetMapping(PAGE)
  Mono<String> services(@RequestParam(required = false) String done, @RequestParam(required = false) String service,
      @RequestParam(required = false) String after, Model model) {
    PageRequest page = PageRequest.of(after, null, LISTED, DirectoryCodes.ID);
    return Caller.current().map(caller -> services(caller, page, done == null ? null : NOTICES.get(done), service,
        Map.of(), Map.of(), model));
  }

  private String services(Caller caller, PageRequest page, String notice, String noticeService,
      Map<String, String> errors, Map<String, String> typed, Model model) {
    DirectoryService.ServicesPage services = directory.services(caller.organisation(), page);
    Map<String, String> needs = new LinkedHashMap<>();
    services.services().forEach(s -> needs.put(s.serviceId(), PageWords.plainList(s.needs())));
    return Templates.page(model, VIEW, new Services(services.services(), needs, notice, noticeService, errors, typed,
        page.after(), services.next() == null ? null : link(services.next(), null, null)));
  }

  /**
   * The page from just after the service {@code after} (null: the first), with the notice {@code done} to the service
   * {@code service} (null: none).
   */
  static String link(String after, String done, String service) {
    UriComponentsBuilder link = UriComponentsBuilder.fromPath(PAGE);
    if (done != null) link.queryParam("done", done).queryParam("service", service);
    if (after != null) link.queryParam("after", after);
    return link.encode().build().toUriString();
  }

  /** The page the form was sent from, as its hidden {@code after} says: checked as the page's own cursor is. */
  private static PageRequest sentFrom(MultiValueMap<String, String> form) {
    String after = form.getFirst("after");
    return PageRequest.of(after == null || after.isBlank() ? null : after, null, LISTED, DirectoryCodes.ID);
  }

  /** A new number of open places; the rest of the listing stays as it is. */
  @PostMapping(PAGE + "/{serviceId}/capacity")
  Mono<String> capacity(@PathVariable String serviceId, ServerWebExchange exchange, Model model) {
    return Mono.zip(Caller.current(), exchange.getFormData()).flatMap(both -> {
      Caller caller = both.getT1();
      PageRequest page = sentFrom(both.getT2());
      String typed = Optional.ofNullable(both.getT2().getFirst("capacity")).map(String::strip).orElse("");
      Optional<ServiceView> current = own(caller, serviceId);
      // not the caller's (or no such service): not found, as the API answers, rendered as a page by PageProblems
      if (current.isEmpty()) return Mono.error(new ProblemException.NotFound("You have no service " + serviceId));
      ServiceView s = current.get();
      // no commissioners, kind or practices: they are the commissioners' to set, and stay as they are
      ServiceRequest request = new ServiceRequest(null, s.name(), s.needs(), s.taxonomy(), null,
          s.postcodeDistricts(), wholeNumber(typed), s.status(), s.minAge(), s.maxAge(), null, null, null);
      return Mono.defer(() -> directory.list(caller.organisation(), serviceId, request))
          .map(saved -> "redirect:" + link(page.after(), "capacity", serviceId))
          .onErrorResume(ProblemException.Invalid.class, e -> {
            Map<String, String> errors = new LinkedHashMap<>();
            e.errors().forEach(p -> errors.putIfAbsent(p.field().equals("capacity") ? "capacity-" + serviceId : p.field(),
                (p.field().equals("capacity") ? "Open places " : p.field() + " ") + p.reason()));
            exchange.getResponse().setStatusCode(HttpStatusCode.valueOf(422));
            return Mono.just(services(caller, page, null, null, errors, Map.of(serviceId, typed), model));
          });
    });
  }

  @PostMapping(PAGE + "/{serviceId}/pause")
  Mono<String> pause(@PathVariable String serviceId, ServerWebExchange exchange) {
    return Mono.zip(Caller.current(), exchange.getFormData()).flatMap(both -> {
      PageRequest page = sentFrom(both.getT2());
      return directory.pause(both.getT1().organisation(), serviceId).thenReturn("redirect:" + link(page.after(), "paused", serviceId));
    });
  }

  @PostMapping(PAGE + "/{serviceId}/resume")
  Mono<String> resume(@PathVariable String serviceId, ServerWebExchange exchange) {
    return Mono.zip(Caller.current(), exchange.getFormData()).flatMap(both -> {
      PageRequest page = sentFrom(both.getT2());
      return directory.resume(both.getT1().organisation(), serviceId).thenReturn("redirect:" + link(page.after(), "resumed", serviceId));
    });
  }

  /** The caller's service, read by key. */
  private Optional<ServiceView> own(Caller caller, String serviceId) {
    return directory.service(caller.organisation(), serviceId);
  }

  /** What was typed, as the API's JSON would carry it: not a whole number is no number at all. */
  private static Integer wholeNumber(String typed) {
    try {
      return Integer.valueOf(typed);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
