package org.linkway.referral.lifecycle.pages;

import org.linkway.referral.lifecycle.api.ReferralController;
import org.linkway.referral.lifecycle.stream.ReferralStores;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.linkway.platform.web.ProblemException;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.pages.PageController;
import org.linkway.platform.pages.PageHome;
import org.linkway.platform.pages.PageWords;
import org.linkway.platform.security.Caller;
import org.linkway.platform.security.Role;
import org.linkway.state.ReferralState;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The referral pages for the GP practice and its link worker: the practice's referrals, and each
 * referral's status, history and the summary back to the practice with the SNOMED CT codes to
 * record. The data and the rules are the API's ({@link ReferralController}): a referral that is
 * not the caller's is not found.
 */
@PageController
class ReferralPages {

  /** A practice's page lists its most recent referrals; older ones are found by their id. */
  static final int LISTED = 50;

  record Row(String referralId, String status, Instant referredAt, String needs, String providerId) {}

  private final ReferralController api;
  private final StoreQueries stores;

  ReferralPages(ReferralController api, StoreQueries stores) {
    this.api = api;
    this.stores = stores;
  }

  @Bean
  static PageHome referralPagesHome() {
    return role -> role == Role.GP ? Optional.of("/app/referrals") : Optional.empty();
  }

  @GetMapping("/app/referrals")
  Mono<String> practice(@RequestParam(required = false) String find, Model model, ServerWebExchange exchange) {
    if (find != null && !find.isBlank()) return found(find.strip(), model, exchange);
    return Caller.current().map(caller -> {
      List<Row> rows = caller.role() != Role.GP ? List.of()
          : stores.<ReferralState>all(ReferralStores.STATE,
                  s -> caller.organisation().equals(s.getSubmission().getReferrer().getOdsCode())).stream()
              .sorted(Comparator.comparing(ReferralPages::referredAt).reversed())
              .limit(LISTED)
              .map(s -> new Row(s.getReferralId().toString(), s.getStatus().name(), referredAt(s),
                  PageWords.plainList(s.getSubmission().getNeeds()),
                  s.getProviderId()))
              .toList();
      model.addAttribute("rows", rows);
      model.addAttribute("listed", LISTED);
      return "referrals/practice";
    });
  }

  @GetMapping("/app/referrals/{referralId}")
  Mono<String> referral(@PathVariable String referralId, @RequestParam(defaultValue = "false") boolean cancelled, Model model,
      ServerWebExchange exchange) {
    model.addAttribute("cancelled", cancelled);
    return api.get(referralId).zipWith(api.summary(referralId)).map(both -> {
      model.addAttribute("referral", both.getT1());
      model.addAttribute("summary", both.getT2());
      model.addAttribute("needs", PageWords.plainList(both.getT2().needs()));
      model.addAttribute("events", EVENTS);
      model.addAttribute("open", !List.of("COMPLETED", "CANCELLED", "UNPLACED", "DECLINED").contains(both.getT1().status()));
      return "referrals/referral";
    }).onErrorResume(ProblemException.NotFound.class, e -> {
      exchange.getResponse().setStatusCode(HttpStatus.NOT_FOUND);
      model.addAttribute("referralId", referralId);
      return Mono.just("referrals/not-found");
    });
  }

  /** The practice cancels: the same checks as the API's cancel, with the reason's problem shown beside it. */
  @PostMapping("/app/referrals/{referralId}/cancel")
  Mono<String> cancel(@PathVariable String referralId, ServerWebExchange exchange, Model model) {
    return exchange.getFormData().flatMap(form -> {
      String reason = Optional.ofNullable(form.getFirst("reason")).filter(r -> !r.isBlank()).orElse(null);
      return api.cancel(referralId, new ReferralController.CancelRequest(reason, null))
          .map(done -> "redirect:/app/referrals/" + referralId + "?cancelled=true")
          .onErrorResume(ProblemException.Invalid.class, invalid -> {
            exchange.getResponse().setStatusCode(HttpStatus.BAD_REQUEST);
            model.addAttribute("errors", invalid.errors().stream()
                .collect(java.util.stream.Collectors.toMap(ProblemException.FieldProblem::field,
                    ProblemException.FieldProblem::reason, (a, b) -> a, java.util.LinkedHashMap::new)));
            model.addAttribute("reason", reason);
            return referral(referralId, false, model, exchange);
          });
    });
  }

  /** "Find a referral": a referral's id goes to its page; anything else is no referral, said with what was typed. */
  private static Mono<String> found(String typed, Model model, ServerWebExchange exchange) {
    UUID referralId;
    try {
      referralId = UUID.fromString(typed);
    } catch (IllegalArgumentException notAnId) {
      exchange.getResponse().setStatusCode(HttpStatus.NOT_FOUND);
      model.addAttribute("referralId", typed);
      return Mono.just("referrals/not-found");
    }
    return Mono.just("redirect:/app/referrals/" + referralId);
  }

  private static Instant referredAt(ReferralState s) {
    return s.getHistory().isEmpty() ? Instant.EPOCH : s.getHistory().get(0).getAt();
  }

  /** Event names as people say them, for the history. */
  static final Map<String, String> EVENTS = Map.ofEntries(
      Map.entry("ReferralSubmitted", "Referred"),
      Map.entry("ReferralOffered", "Offered to a provider"),
      Map.entry("OfferReminderDue", "Provider reminded to answer"),
      Map.entry("ReferralAccepted", "Accepted by the provider"),
      Map.entry("ReferralDeclined", "Declined"),
      Map.entry("SessionAttended", "Session attended"),
      Map.entry("SessionMissed", "Session missed"),
      Map.entry("ReferralCompleted", "Finished"),
      Map.entry("ReferralUnplaced", "No provider could take it"),
      Map.entry("ReferralCancelled", "Cancelled"));
}
