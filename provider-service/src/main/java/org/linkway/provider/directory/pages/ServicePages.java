package org.linkway.provider.directory.pages;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.linkway.events.ServiceListed;
import org.linkway.platform.web.ProblemException;
import org.linkway.platform.streams.TableView;
import org.linkway.platform.pages.PageController;
import org.linkway.platform.pages.PageWords;
import org.linkway.platform.pages.SignInChoices;
import org.linkway.platform.security.Caller;
import org.linkway.platform.security.Role;
import org.linkway.provider.directory.api.DirectoryController;
import org.linkway.provider.directory.api.DirectoryController.ServiceRequest;
import org.linkway.provider.directory.api.DirectoryController.ServiceView;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatusCode;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The provider's services on its pages: how many open places each has, and pausing or resuming
 * intake. The changes are the API's own ({@link DirectoryController}: PUT the service, pause,
 * resume) for the caller's own provider id, with the API's problems shown beside their field.
 */
@PageController
class ServicePages {

  static final String PAGE = "/app/inbox/services";

  private static final Map<String, String> NOTICES = Map.of(
      "capacity", "Open places saved.",
      "paused", "Intake paused: you will get no new offers for this service until you resume it.",
      "resumed", "Intake resumed: this service can get new offers again.");

  private final DirectoryController api;

  ServicePages(DirectoryController api) {
    this.api = api;
  }

  /** The local sign-in page offers each registered provider as a demo party. */
  @Bean
  static SignInChoices providerSignInChoices(TableView<ServiceListed> directory) {
    return () -> {
      Map<String, String> providers = new TreeMap<>();
      directory.values().forEach(s -> providers.putIfAbsent(s.getProviderId(), s.getProviderName()));
      return providers.entrySet().stream()
          .map(p -> new SignInChoices.Party(Role.PROVIDER, p.getKey(), "Provider: " + p.getValue())).toList();
    };
  }

  @GetMapping(PAGE)
  Mono<String> services(@RequestParam(required = false) String done, @RequestParam(required = false) String service,
      Model model) {
    return Caller.current().map(caller -> {
      List<ServiceView> services = services(caller);
      model.addAttribute("services", services);
      Map<String, String> needs = new LinkedHashMap<>();
      services.forEach(s -> needs.put(s.serviceId(), PageWords.plainList(s.needs())));
      model.addAttribute("needs", needs);
      model.addAttribute("notice", done == null ? null : NOTICES.get(done));
      model.addAttribute("noticeService", service);
      if (!model.containsAttribute("errors")) model.addAttribute("errors", Map.of());
      if (!model.containsAttribute("typed")) model.addAttribute("typed", Map.of());
      return "inbox/services";
    });
  }

  /** A new number of open places; the rest of the listing stays as it is. */
  @PostMapping(PAGE + "/{serviceId}/capacity")
  Mono<String> capacity(@PathVariable String serviceId, ServerWebExchange exchange, Model model) {
    return Mono.zip(Caller.current(), exchange.getFormData()).flatMap(both -> {
      Caller caller = both.getT1();
      String typed = Optional.ofNullable(both.getT2().getFirst("capacity")).map(String::strip).orElse("");
      Optional<ServiceView> current = own(caller, serviceId);
      // not the caller's (or no such service): not found, as the API answers, rendered as a page by PageProblems
      if (current.isEmpty()) return Mono.error(new ProblemException.NotFound("You have no service " + serviceId));
      ServiceView s = current.get();
      // no commissioners: they are the commissioners' to set, and stay as they are
      ServiceRequest request = new ServiceRequest(null, s.name(), s.needs(), s.taxonomy(), null,
          s.postcodeDistricts(), wholeNumber(typed), s.status(), s.minAge(), s.maxAge(), null);
      return Mono.defer(() -> api.list(caller.organisation(), serviceId, request))
          .map(saved -> "redirect:" + PAGE + "?done=capacity&service=" + serviceId)
          .onErrorResume(ProblemException.Invalid.class, e -> {
            Map<String, String> errors = new LinkedHashMap<>();
            e.errors().forEach(p -> errors.putIfAbsent(p.field().equals("capacity") ? "capacity-" + serviceId : p.field(),
                (p.field().equals("capacity") ? "Open places " : p.field() + " ") + p.reason()));
            exchange.getResponse().setStatusCode(HttpStatusCode.valueOf(422));
            model.addAttribute("errors", errors);
            model.addAttribute("typed", Map.of(serviceId, typed));
            return services(null, null, model);
          });
    });
  }

  @PostMapping(PAGE + "/{serviceId}/pause")
  Mono<String> pause(@PathVariable String serviceId) {
    return Caller.current().flatMap(caller -> api.pause(caller.organisation(), serviceId))
        .thenReturn("redirect:" + PAGE + "?done=paused&service=" + serviceId);
  }

  @PostMapping(PAGE + "/{serviceId}/resume")
  Mono<String> resume(@PathVariable String serviceId) {
    return Caller.current().flatMap(caller -> api.resume(caller.organisation(), serviceId))
        .thenReturn("redirect:" + PAGE + "?done=resumed&service=" + serviceId);
  }

  private List<ServiceView> services(Caller caller) {
    return api.providers().stream().filter(p -> p.providerId().equals(caller.organisation()))
        .flatMap(p -> p.services().stream()).toList();
  }

  private Optional<ServiceView> own(Caller caller, String serviceId) {
    return services(caller).stream().filter(s -> s.serviceId().equals(serviceId)).findFirst();
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
