package org.linkway.referral.lifecycle.pages;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.linkway.platform.pages.PageController;
import org.linkway.platform.pages.PageHome;
import org.linkway.platform.pages.PageWords;
import org.linkway.platform.pages.Templates;
import org.linkway.platform.security.Caller;
import org.linkway.platform.security.Role;
import org.linkway.platform.streams.PartyView;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.web.PageRequest;
import org.linkway.platform.web.ProblemException;
import org.linkway.referral.lifecycle.api.ReferralController;
import org.linkway.referral.lifecycle.api.ReferralService;
import org.linkway.referral.lifecycle.api.ReferralSummary;
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
 * record. The data and the rules are the API's ({@link ReferralService}, which {@link ReferralController} answers
 * with): a referral that is not the caller's is not found.
 */
@PageController
class ReferralPages {

  /** A practice's page lists its most recent referrals, this many a page; older ones on the pages after, or by their id. */
  static final int LISTED = 50;

  record Row(String referralId, String status, Instant referredAt, String needs, String providerId) {}

  /**
   * The model of {@code referrals/practice}: a page of the practice's referrals, at most {@code listed};
   * {@code older} the link to the page after (null on the last), {@code later} whether newer ones come before.
   */
  record Practice(List<Row> rows, int listed, String older, boolean later) {}

  /**
   * The model of {@code referrals/referral}: the referral and its summary, its needs in words, the names
   * of its history's events, whether it can still be cancelled; after a cancel with a problem, the
   * problem by field and the reason typed.
   */
  record Referral(ReferralService.ReferralView referral, ReferralSummary.Summary summary, String needs,
      Map<String, String> events, boolean open, boolean cancelled, Map<String, String> errors, String reason) {}

  /** The model of {@code referrals/not-found}: what was asked for. */
  record NotFound(String referralId) {}

  private final ReferralService referrals;

  ReferralPages(ReferralService referrals) {
    this.referrals = referrals;
  }

  @Bean
  static PageHome referralPagesHome() {
    return role -> role == Role.GP ? Optional.of("/app/referrals") : Optional.empty();
  }

  /**
   * The practice's referrals, newest first, {@value #LISTED} a page ({@code ?after=} the cursor of the page
   * before), read on the instance holding the practice's list ({@code PracticeRoutes}).
   */
  @GetMapping("/app/referrals")
  Mono<String> practice(@RequestParam(required = false) String find, @RequestParam(required = false) String after, Model model,
      ServerWebExchange exchange) {
    if (find != null && !find.isBlank()) return found(find.strip(), model, exchange);
    PageRequest page = PageRequest.of(after, null, LISTED, PartyView.CURSOR);
    return Caller.current().map(caller -> {
      StoreQueries.Page<ReferralState> found = caller.role() != Role.GP ? new StoreQueries.Page<>(List.of(), null)
          : referrals.latestOf(caller.organisation(), page);
      List<Row> rows = found.values().stream()
          .map(s -> new Row(s.getReferralId().toString(), s.getStatus().name(), ReferralService.referredAt(s),
              PageWords.plainList(s.getSubmission().getNeeds()),
              s.getProviderId()))
          .toList();
      return Templates.page(model, "referrals/practice",
          new Practice(rows, LISTED, page.nextLink(exchange.getRequest(), found.next()), after != null));
    });
  }

  @GetMapping("/app/referrals/{referralId}")
  Mono<String> referral(@PathVariable String referralId, @RequestParam(defaultValue = "false") boolean cancelled, Model model,
      ServerWebExchange exchange) {
    return referral(referralId, cancelled, null, null, model, exchange);
  }

  /** The referral's page; after a cancel with a problem, the problem by field and the reason typed. */
  private Mono<String> referral(String referralId, boolean cancelled, Map<String, String> errors, String reason, Model model,
      ServerWebExchange exchange) {
    return referrals.get(referralId).zipWith(referrals.summary(referralId)).map(both -> Templates.page(model, "referrals/referral",
        new Referral(both.getT1(), both.getT2(), PageWords.plainList(both.getT2().needs()), EVENTS,
            !List.of("COMPLETED", "CANCELLED", "UNPLACED", "DECLINED").contains(both.getT1().status()), cancelled,
            errors, reason)))
        .onErrorResume(ProblemException.NotFound.class, e -> {
          exchange.getResponse().setStatusCode(HttpStatus.NOT_FOUND);
          return Mono.just(Templates.page(model, "referrals/not-found", new NotFound(referralId)));
        });
  }

  /** The practice cancels: the same checks as the API's cancel, with the reason's problem shown beside it. */
  @PostMapping("/app/referrals/{referralId}/cancel")
  Mono<String> cancel(@PathVariable String referralId, ServerWebExchange exchange, Model model) {
    return exchange.getFormData().flatMap(form -> {
      String reason = Optional.ofNullable(form.getFirst("reason")).filter(r -> !r.isBlank()).orElse(null);
      return referrals.cancel(referralId, new ReferralService.CancelRequest(reason, null))
          .map(done -> "redirect:/app/referrals/" + referralId + "?cancelled=true")
          .onErrorResume(ProblemException.Invalid.class, invalid -> {
            exchange.getResponse().setStatusCode(HttpStatus.BAD_REQUEST);
            return referral(referralId, false, invalid.errors().stream()
                .collect(java.util.stream.Collectors.toMap(ProblemException.FieldProblem::field,
                    ProblemException.FieldProblem::reason, (a, b) -> a, java.util.LinkedHashMap::new)), reason, model, exchange);
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
      return Mono.just(Templates.page(model, "referrals/not-found", new NotFound(typed)));
    }
    return Mono.just("redirect:/app/referrals/" + referralId);
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
