package org.linkway.provider.offers.pages;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.linkway.events.DeclineReason;
import org.linkway.platform.domain.SocialPrescribing;
import org.linkway.platform.pages.PageController;
import org.linkway.platform.pages.PageDates;
import org.linkway.platform.pages.PageHome;
import org.linkway.platform.pages.PageWords;
import org.linkway.platform.pages.Templates;
import org.linkway.platform.security.Caller;
import org.linkway.platform.security.LiveStreams;
import org.linkway.platform.security.Role;
import org.linkway.platform.streams.PartyView;
import org.linkway.platform.web.EventStreams;
import org.linkway.platform.web.PageRequest;
import org.linkway.platform.web.ProblemException;
import org.linkway.platform.web.ResumableStream;
import org.linkway.provider.offers.api.OfferService;
import org.linkway.provider.offers.api.OfferService.OfferView;
import org.linkway.provider.offers.stream.OfferFeed;
import org.linkway.provider.offers.stream.ProviderOffers;
import org.linkway.state.OfferState;
import org.linkway.state.OfferStatus;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.ui.Model;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The provider's inbox, for a volunteer coordinator on a phone: the offers waiting for an answer (each
 * with its deadline counting down, the person's needs and contact details), accepting and declining,
 * recording sessions (the first with the person's starting measures, the baseline) and finishing with the
 * outcome measures, compared with the baseline. New offers arrive live over SSE, and leave the list
 * live when they are no longer waiting for an answer (accepted, declined, expired, cancelled).
 *
 * <p>Everything goes through the API's own rules ({@link OfferService}, which
 * {@link org.linkway.provider.offers.api.ProviderQueueController} answers with) for the caller's own provider id,
 * so the rules and their messages are the API's; a page shows each problem beside its field. The person's
 * details are only ever rendered, never logged.
 */
@PageController
public class InboxPages {

  public static final String HOME = "/app/inbox";
  /** An option of a select: its value and what a person reads. */
  record Choice(String value, String label) {}

  /**
   * An offer as a card shows it: the API's view and what the page words for it. {@code hidden}: no
   * details of the person to show, because they were erased or because the offer ended without its
   * acceptance (then the card is named by the referral's reference).
   */
  record Card(OfferView offer, String id, String href, String name, String statusText, String tag, String deadline,
      String deadlineText, String timeLeft, String needs, String notes, String born, boolean hidden) {}

  static final List<Choice> DECLINE_REASONS = OfferService.PROVIDER_DECLINE_REASONS.stream()
      .map(r -> new Choice(r.name(), declineLabel(r))).toList();

  static final List<Choice> COMPLETIONS = List.of(
      new Choice("COMPLETED", "They finished the programme"),
      new Choice("DROPPED_OUT", "They stopped coming before the end (dropped out)"));

  private static final Map<String, String> NOTICES = Map.of(
      "accepted", "You accepted the referral.",
      "accepted-baseline", "You accepted the referral, with the person's starting measures (baseline).",
      "declined", "You declined the referral. It goes back to be offered to another service.",
      "attended", "Session recorded: the person attended.",
      "attended-baseline", "Session recorded: the person attended. Their starting measures (baseline) are recorded: "
          + "the questionnaires at the end are compared with them.",
      "missed", "Session recorded: the person did not attend.",
      "completed", "You finished the referral. The outcome has been sent to the GP practice and the commissioner.");

  static final String INBOX = "inbox/inbox";
  static final String REFERRAL = "inbox/referral";
  static final String OFFER = "inbox/offer";

  /** How many offers each of the inbox's lists shows at once. */
  static final int LISTED = 50;

  /**
   * The model of {@value #INBOX}: the offers waiting, the people being supported, the rest; each one page, newest
   * first, with the link to its next page ({@code moreOffers}, {@code moreWorking}, {@code olderFinished}: null at the
   * end), and whether a list is shown from a later page ({@code paged}: then the page links back to the first).
   */
  record Inbox(List<Card> offers, List<Card> working, List<Card> finished, String notice, List<Choice> reasons,
      Map<String, String> errors, MultiValueMap<String, String> form, String moreOffers, String moreWorking,
      String olderFinished, boolean paged) {}

  /**
   * The model of {@value #REFERRAL}: the referral's card, its forms ({@code measures} at the end,
   * {@code baseline} at the start, open if any of it was typed or is wrong) and what was typed with its problems.
   */
  record Referral(Card card, List<Choice> reasons, List<Choice> completions, String notice, String today,
      Map<String, String> errors, MultiValueMap<String, String> form, List<MeasuresForm.Fieldset> measures,
      List<MeasuresForm.Fieldset> baseline, boolean baselineOpen, String refused) {}

  /** The model of {@value #OFFER}{@code :: card} sent on its own, down the live stream. */
  record OfferCard(Card card, CsrfToken csrf, List<Choice> reasons, Map<String, String> errors,
      MultiValueMap<String, String> form) {}

  /** What a form post sent back to its page: what was typed, each problem by field, or why it was refused. */
  record Typed(Map<String, String> errors, MultiValueMap<String, String> form, String refused) {
    static final Typed NOTHING = new Typed(Map.of(), new LinkedMultiValueMap<>(), null);
  }

  private final OfferService offers;
  private final OfferFeed feed;
  private final Templates templates;
  private final LiveStreams liveStreams;

  InboxPages(OfferService offers, OfferFeed feed, Templates templates, LiveStreams liveStreams) {
    this.offers = offers;
    this.liveStreams = liveStreams;
    this.feed = feed;
    this.templates = templates;
  }

  @Bean
  static PageHome providerPagesHome() {
    return role -> role == Role.PROVIDER ? Optional.of(HOME) : Optional.empty();
  }

  /**
   * The inbox: the offers waiting for an answer, the people being supported and the referrals ended, each read a page
   * at a time ({@value #LISTED}), newest first, from the provider's lists of its offers by status
   * ({@code ProviderOffers.BY_STATUS}) on the instance holding them ({@code OfferRoutes}); a list's next page is asked
   * for with its own cursor ({@code ?offers-after=}, {@code ?working-after=}, {@code ?after=} for the ended ones), the
   * others then showing their first page. Only the offers shown are read, their people's identities opened, off the
   * event loop.
   */
  @GetMapping(HOME)
  Mono<String> inbox(@RequestParam(required = false) String done,
      @RequestParam(name = "offers-after", required = false) String offersAfter,
      @RequestParam(name = "working-after", required = false) String workingAfter,
      @RequestParam(required = false) String after, Model model) {
    PageRequest offersPage = PageRequest.of(offersAfter, null, LISTED, PartyView.CURSOR);
    PageRequest workingPage = PageRequest.of(workingAfter, null, LISTED, PartyView.CURSOR);
    PageRequest finishedPage = PageRequest.of(after, null, LISTED, PartyView.CURSOR);
    // bounded reads, and an identity opened per card: off the event loop all the same
    return Caller.current().publishOn(Schedulers.boundedElastic()).map(caller -> {
      String providerId = caller.organisation();
      OfferService.QueuePage waiting = offers.newestFirst(providerId, ProviderOffers.OPEN, offersPage.after(), LISTED);
      OfferService.QueuePage working = offers.newestFirst(providerId, ProviderOffers.ACTIVE, workingPage.after(), LISTED);
      OfferService.QueuePage finished = offers.newestFirst(providerId, ProviderOffers.ENDED, finishedPage.after(), LISTED);
      return Templates.page(model, INBOX, new Inbox(cards(waiting), cards(working), cards(finished),
          done == null ? null : NOTICES.get(done), DECLINE_REASONS, Map.of(), new LinkedMultiValueMap<>(),
          pageLink("offers-after", waiting.next(), "offers-heading"),
          pageLink("working-after", working.next(), "working-heading"),
          pageLink("after", finished.next(), "finished-heading"),
          offersAfter != null || workingAfter != null || after != null));
    });
  }

  private static List<Card> cards(OfferService.QueuePage page) {
    return page.offers().stream().map(InboxPages::card).toList();
  }

  /** The inbox with one list from {@code cursor} on (null when there is no more), back at that list's heading. */
  static String pageLink(String parameter, String cursor, String heading) {
    if (cursor == null) return null;
    return UriComponentsBuilder.fromPath(HOME).queryParam(parameter, "{cursor}").fragment(heading)
        .encode().buildAndExpand(cursor).toUriString();
  }

  /** The page of an offer of the provider's that ended and was archived ({@code ArchivedOffer}): 410, saying when. */
  static final String ARCHIVED = "inbox/archived";

  /** The model of {@value #ARCHIVED}: why the offer is gone, in words. */
  record Archived(String archived) {}

  /** An offer as the stream sends it: {@code left}, when it is no longer waiting for an answer, says why in words. */
  record LiveOffer(OfferView offer, String left) {}

  /**
   * The signed-in provider's offers as they change: each new one a rendered card ({@code offer}); one
   * that stops waiting for an answer a sentence saying why ({@code gone}), for the page to take its
   * card off the list. On connecting, the waiting ones the page shows first (its newest {@value #LISTED}). An
   * offer is sent again only when its status has changed (an acceptance the budget refused makes it an offer
   * again). Resumable as the API's stream is ({@link ResumableStream#of}): with {@code Last-Event-ID}, the provider's
   * changes after that event instead (from an id with no position, or one too far back, the offers changed after its
   * moment among its {@value #LISTED} most recently changed, whatever their status: {@code OfferService#changedLately}).
   */
  @GetMapping(path = HOME + "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  @ResponseBody
  Flux<ServerSentEvent<String>> stream(ServerWebExchange exchange,
      @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
    return Caller.current().zipWith(csrf(exchange)).flatMapMany(both -> {
      String providerId = both.getT1().organisation();
      Flux<ServerSentEvent<LiveOffer>> changes = ResumableStream.of(feed,
          s -> s.getOffer().getProviderId().equals(providerId),
          s -> s.getStatus() == OfferStatus.OFFERED ? "offer" : "gone",
          missed -> (lastEventId == null ? offers.newestStates(providerId, ProviderOffers.OPEN, null, LISTED).values()
              : offers.changedLately(providerId, LISTED)).stream().filter(missed).toList(),
          lastEventId, s -> {
            OfferView view = offers.view(s);
            return new LiveOffer(view, left(s, view));
          });
      Map<String, String> sent = EventStreams.recent();
      Flux<ServerSentEvent<String>> events = changes
          .filter(e -> e.data() == null || changed(sent, e.data().offer()))
          .map(e -> e.data() == null ? ServerSentEvent.<String>builder().comment(e.comment()).build()
              : ServerSentEvent.builder(e.data().left() == null ? render(card(e.data().offer()), both.getT2().orElse(null))
                  : templates.fragment(OFFER, "gone", Map.of("gone", e.data().left()))).id(e.id()).event(e.event()).build());
      return liveStreams.ofCaller(events);
    });
  }

  /** Whether the offer's status is not the one last sent for it (remembered in {@code sent}). */
  private static boolean changed(Map<String, String> sent, OfferView offer) {
    return !offer.status().equals(sent.put(offer.referralId() + "/" + offer.attempt(), offer.status()));
  }

  /** Why an offer is no longer waiting for an answer, in words (sent as {@value #OFFER}{@code :: gone}); null while it is. */
  private static String left(OfferState s, OfferView view) {
    if (s.getStatus() == OfferStatus.OFFERED) return null;
    String name = card(view).name();
    // an offer that ended without acceptance is named by its reference ("Referral 1a2b3c4d"), not the person
    String offer = view.person() == null ? name : "The offer for " + name;
    String referral = view.person() == null ? name : "The referral for " + name;
    String why = switch (s.getStatus()) {
      case ACCEPTING, ACCEPTED -> offer + " was accepted.";
      case DECLINED -> s.getRespondBy() != null && !s.getRespondBy().isAfter(Instant.now())
          ? offer + " was not answered in time and goes to another service."
          : offer + " was declined.";
      case CANCELLED -> referral + " was cancelled by the referrer.";
      case WITHDRAWN -> offer + " was withdrawn.";
      default -> offer + " is now: " + statusText(s.getStatus().name()).toLowerCase(Locale.UK) + ".";
    };
    return why + " It is no longer in your new offers.";
  }

  @GetMapping(HOME + "/referrals/{referralId}")
  Mono<String> referral(@PathVariable String referralId, @RequestParam(required = false) String done, Model model,
      ServerWebExchange exchange) {
    return referral(referralId, done == null ? null : NOTICES.get(done), Typed.NOTHING, model, exchange);
  }

  /** The referral's page, with what a form post sent back to it. */
  private Mono<String> referral(String referralId, String notice, Typed typed, Model model, ServerWebExchange exchange) {
    return Caller.current().map(caller -> {
      Optional<OfferView> offer = own(caller, referralId);
      if (offer.isEmpty()) {
        // an offer of the provider's that ended and was archived is gone, saying when; any other, not found
        Optional<String> archived = offers.archived(caller.organisation(), referralId);
        exchange.getResponse().setStatusCode(archived.isPresent() ? HttpStatus.GONE : HttpStatus.NOT_FOUND);
        return archived.map(why -> Templates.page(model, ARCHIVED, new Archived(why))).orElse("inbox/not-found");
      }
      MultiValueMap<String, String> form = typed.form();
      // what was typed comes back after a problem: the baseline open again if any of it was typed or is wrong
      boolean baselineOpen = typed.errors().keySet().stream().anyMatch(MeasuresForm.BASELINE::owns)
          || form.keySet().stream().anyMatch(k -> MeasuresForm.BASELINE.owns(k) && blankToNull(form.getFirst(k)) != null);
      return Templates.page(model, REFERRAL, new Referral(card(offer.get()), DECLINE_REASONS, COMPLETIONS, notice,
          LocalDate.now(SocialPrescribing.UK).toString(), typed.errors(), form,
          MeasuresForm.FOLLOW_UP.fieldsets(form, offer.get().baselineInstruments()),
          MeasuresForm.BASELINE.fieldsets(form, List.of()), baselineOpen, typed.refused()));
    });
  }

  /** On the referral's own page, the starting measures (baseline) may come with the acceptance. */
  @PostMapping(HOME + "/referrals/{referralId}/accept")
  Mono<String> accept(@PathVariable String referralId, ServerWebExchange exchange, Model model) {
    return exchange.getFormData().flatMap(form -> {
      MeasuresForm.Gathered baseline = MeasuresForm.BASELINE.gather(form);
      Map<String, String> labels = MeasuresForm.BASELINE.labels();
      if (!baseline.unreadable().isEmpty()) return invalid(referralId, form, baseline.unreadableByField(labels), exchange, model);
      return act(referralId, baseline.measures().isEmpty() ? "accepted" : "accepted-baseline", exchange, model, labels, baseline,
          (providerId, f) -> offers.accept(providerId, referralId, baseline.measures().isEmpty() ? null
              : new OfferService.AcceptRequest(null, baseline.measures()), null));
    });
  }

  @PostMapping(HOME + "/referrals/{referralId}/decline")
  Mono<String> decline(@PathVariable String referralId, ServerWebExchange exchange, Model model) {
    return act(referralId, "declined", exchange, model,
        Map.of("reason", "Reason for declining", "note", "Note"),
        (providerId, form) -> offers.decline(providerId, referralId,
            new OfferService.DeclineRequest(blankToNull(form.getFirst("reason")), blankToNull(form.getFirst("note"))), null));
  }

  /** A session; until a baseline is recorded, the starting measures may come with one the person attended. */
  @PostMapping(HOME + "/referrals/{referralId}/sessions")
  Mono<String> session(@PathVariable String referralId, ServerWebExchange exchange, Model model) {
    return exchange.getFormData().flatMap(form -> {
      boolean attended = !"false".equals(form.getFirst("attended"));
      MeasuresForm.Gathered baseline = MeasuresForm.BASELINE.gather(form);
      Map<String, String> labels = new LinkedHashMap<>(MeasuresForm.BASELINE.labels());
      labels.put("attendedOn", "Date of the session");
      if (!attended && !baseline.measures().isEmpty()) {
        return invalid(referralId, form, Map.of("attended", "Starting measures are recorded with a session the person "
            + "attended: choose \"Yes, they attended\", or leave the starting measures empty"), exchange, model);
      }
      if (!baseline.unreadable().isEmpty()) return invalid(referralId, form, baseline.unreadableByField(labels), exchange, model);
      String done = !attended ? "missed" : baseline.measures().isEmpty() ? "attended" : "attended-baseline";
      return act(referralId, done, exchange, model, labels, baseline,
          (providerId, f) -> offers.session(providerId, referralId, new OfferService.SessionRequest(
              blankToNull(f.getFirst("attendedOn")), attended, baseline.measures().isEmpty() ? null : baseline.measures()), null));
    });
  }

  @PostMapping(HOME + "/referrals/{referralId}/complete")
  Mono<String> complete(@PathVariable String referralId, ServerWebExchange exchange, Model model) {
    return exchange.getFormData().flatMap(form -> {
      MeasuresForm.Gathered gathered = MeasuresForm.FOLLOW_UP.gather(form);
      Map<String, String> labels = new LinkedHashMap<>();
      labels.put("completion", "How the referral ended");
      labels.putAll(MeasuresForm.FOLLOW_UP.labels());
      // a number the API could not even be sent: shown with the API's own checks of the rest
      if (!gathered.unreadable().isEmpty()) return invalid(referralId, form, gathered.unreadableByField(labels), exchange, model);
      return act(referralId, "completed", exchange, model, labels, gathered,
          (providerId, f) -> offers.complete(providerId, referralId,
              new OfferService.CompleteRequest(blankToNull(f.getFirst("completion")), gathered.measures()), null));
    });
  }

  /** What a form post does through the API, for the caller's own provider id. */
  @FunctionalInterface
  interface Action {
    Mono<OfferView> apply(String providerId, MultiValueMap<String, String> form);
  }

  private Mono<String> act(String referralId, String done, ServerWebExchange exchange, Model model,
      Map<String, String> labels, Action action) {
    return act(referralId, done, exchange, model, labels, MeasuresForm.Gathered.none(), action);
  }

  /**
   * Does the action; then to the referral (or the inbox, after a decline) with a notice. The API's
   * problems come back beside their fields; a refusal (the offer moved on meanwhile) as a notice.
   */
  private Mono<String> act(String referralId, String done, ServerWebExchange exchange, Model model,
      Map<String, String> labels, MeasuresForm.Gathered measures, Action action) {
    return Mono.zip(Caller.current(), exchange.getFormData()).flatMap(both -> {
      String providerId = both.getT1().organisation();
      MultiValueMap<String, String> form = both.getT2();
      if (own(both.getT1(), referralId).isEmpty()) return referral(referralId, null, Typed.NOTHING, model, exchange);
      return Mono.defer(() -> action.apply(providerId, form))
          .map(view -> done.equals("declined") ? "redirect:" + HOME + "?done=declined"
              : "redirect:" + HOME + "/referrals/" + referralId + "?done=" + done)
          .onErrorResume(ProblemException.Invalid.class, e -> {
            Map<String, String> errors = measures.byField(e.errors(), labels);
            if (done.equals("declined")) errors = suffixed(errors, referralId);
            return invalid(referralId, form, errors, exchange, model);
          })
          .onErrorResume(ProblemException.Conflict.class, e -> {
            exchange.getResponse().setStatusCode(HttpStatus.CONFLICT);
            return referral(referralId, null, new Typed(Map.of(), new LinkedMultiValueMap<>(),
                "That could not be done: " + e.getMessage() + "."), model, exchange);
          });
    });
  }

  private Mono<String> invalid(String referralId, MultiValueMap<String, String> form, Map<String, String> errors,
      ServerWebExchange exchange, Model model) {
    exchange.getResponse().setStatusCode(HttpStatusCode.valueOf(422));
    return referral(referralId, null, new Typed(errors, form, null), model, exchange);
  }

  /** The decline form's fields are named per offer (several cards share a page): reason-{id}. */
  private static Map<String, String> suffixed(Map<String, String> errors, String referralId) {
    Map<String, String> renamed = new LinkedHashMap<>();
    errors.forEach((field, reason) -> renamed.put(field + "-" + referralId, reason));
    return renamed;
  }

  /** The referral's offer, if it is the caller's: read by its id, on the instance holding it ({@code OfferRoutes}). */
  private Optional<OfferView> own(Caller caller, String referralId) {
    return offers.offer(caller.organisation(), referralId);
  }

  private String render(Card card, CsrfToken csrf) {
    return templates.fragment(OFFER, "card", new OfferCard(card, csrf, DECLINE_REASONS, Map.of(), new LinkedMultiValueMap<>()));
  }

  private static Mono<Optional<CsrfToken>> csrf(ServerWebExchange exchange) {
    Mono<CsrfToken> token = exchange.getAttribute(CsrfToken.class.getName());
    return token == null ? Mono.just(Optional.empty()) : token.map(Optional::of).defaultIfEmpty(Optional.empty());
  }

  static Card card(OfferView o) {
    var p = o.person();
    String id = o.referralId().toString();
    boolean hidden = p == null || p.erased();
    String name = p == null ? "Referral " + id.substring(0, 8)
        : p.erased() ? "Person's details erased" : p.givenName() + " " + p.familyName();
    Instant deadline = o.respondBy();
    return new Card(o, id, HOME + "/referrals/" + id, name, statusText(o.status()), o.status().toLowerCase(Locale.ROOT),
        deadline == null ? null : deadline.toString(),
        deadline == null ? null : PageDates.longDateTime(deadline),
        deadline == null ? null : timeLeft(Duration.between(Instant.now(), deadline)),
        PageWords.plainList(o.needs()),
        o.notes(), hidden || p.birthDate() == null ? null : PageDates.longDate(p.birthDate()), hidden);
  }

  /** As linkway.js counts down, so that the page reads the same before the script runs. */
  static String timeLeft(Duration left) {
    long seconds = left.toSeconds();
    if (seconds <= 0) return "time is up";
    long days = seconds / 86400;
    long hours = seconds % 86400 / 3600;
    long minutes = seconds % 3600 / 60;
    if (days > 0) return days + " days " + hours + " hours left";
    if (hours > 0) return hours + " hours " + minutes + " minutes left";
    return minutes + " minutes " + seconds % 60 + " seconds left";
  }

  static String statusText(String status) {
    return switch (status) {
      case "OFFERED" -> "New offer";
      case "ACCEPTING" -> "Accepting";
      case "ACCEPTED" -> "Accepted";
      case "DECLINED" -> "Declined";
      case "COMPLETED" -> "Finished";
      case "CANCELLED" -> "Cancelled by the referrer";
      case "WITHDRAWN" -> "Withdrawn";
      default -> PageWords.sentence(status);
    };
  }

  static String declineLabel(DeclineReason reason) {
    return switch (reason) {
      case CAPACITY -> "We have no places at the moment";
      case NOT_ELIGIBLE -> "The person is not eligible for this service";
      case OUT_OF_AREA -> "The person lives outside the area we cover";
      case PERSON_DECLINED -> "The person does not want to take part";
      case PERSON_UNCONTACTABLE -> "We could not contact the person";
      case EXPIRED -> "No answer in time";
      case OTHER -> "Another reason (say why in the note)";
    };
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }
}
