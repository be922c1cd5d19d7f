package org.linkway.provider.offers.api;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.linkway.commands.AcceptReferral;
import org.linkway.commands.CompleteReferral;
import org.linkway.commands.DeclineReferral;
import org.linkway.commands.PrescribeService;
import org.linkway.commands.ProviderCommand;
import org.linkway.commands.RecordSession;
import org.linkway.commands.RecordTimeCredits;
import org.linkway.events.Completion;
import org.linkway.events.DeclineReason;
import org.linkway.events.EventMetadata;
import org.linkway.events.Measure;
import org.linkway.events.NeedCode;
import org.linkway.events.ReferralOffered;
import org.linkway.events.ServiceKind;
import org.linkway.events.ServiceListed;
import org.linkway.events.ServiceStatus;
import org.linkway.platform.domain.Codes;
import org.linkway.platform.domain.FreeText;
import org.linkway.platform.kafka.EventPublisher;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.people.Identities;
import org.linkway.platform.streams.Decisions;
import org.linkway.platform.streams.PartyView;
import org.linkway.platform.streams.ReferenceTable;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.web.IdempotencyKeys;
import org.linkway.platform.web.PageRequest;
import org.linkway.platform.web.ProblemException;
import org.linkway.platform.web.ProblemException.FieldProblem;
import org.linkway.provider.ProviderServiceApplication;
import org.linkway.provider.directory.domain.DirectoryCodes;
import org.linkway.provider.measures.Measures;
import org.linkway.provider.offers.domain.OfferLifecycle;
import org.linkway.provider.offers.stream.ArchivedOffer;
import org.linkway.provider.offers.stream.OfferProcessor;
import org.linkway.provider.offers.stream.ProviderOffers;
import org.linkway.state.OfferState;
import org.linkway.state.OfferStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * A provider's queue of referrals and what it does with them (accept, decline, record sessions, complete,
 * record Time Credits), with the API's checks and problems: what the API answers ({@link ProviderQueueController})
 * and the inbox's pages show and do, for the provider id they are given.
 */
@Component
public class OfferService {

  /**
   * The person, as the offered provider sees them: contact details shared with consent; all null
   * and {@code erased} once the person's identity has been erased.
   */
  public record PersonView(String nhsNumber, String givenName, String familyName, LocalDate birthDate, String postcode,
      String phone, String email, boolean erased) {}

  /** {@code baselineInstruments}: the instruments whose baseline (starting) measures are recorded, compared with the follow-up. */
  public record OfferView(UUID referralId, String status, String taskStatus, String providerId, String serviceId,
      int attempt, Instant offeredAt, List<String> needs, List<String> needsMet, String notes,
      int sessionsAttended, PersonView person, Instant respondBy, int sessionsMissed, List<String> baselineInstruments,
      String serviceKind, List<String> prescriptions) {}

  public record DeclineRequest(String reason, String note) {}

  public record AcceptRequest(String note, List<Measures.Answers> measures) {}

  /** {@code attended} false records a session the person did not attend; baseline measures may come with the first. */
  public record SessionRequest(String attendedOn, Boolean attended, List<Measures.Answers> measures) {}

  public record CompleteRequest(String completion, List<Measures.Answers> measures) {}

  record TimeCreditsRequest(String givenOn, java.math.BigDecimal hours, String activity) {}

  /** A link worker's prescription: the needs it is for, and the community service chosen (none: routing's best). */
  record PrescriptionRequest(List<String> needs, String serviceId) {}

  /** Sessions and hours given back are recorded for this century: an earlier date is a mistake. */
  static final LocalDate EARLIEST = LocalDate.of(2000, 1, 1);
  static final int MAX_NOTE = 2000;
  static final int MAX_ACTIVITY = 200;

  public static final List<DeclineReason> PROVIDER_DECLINE_REASONS = Arrays.stream(DeclineReason.values())
      .filter(r -> r != DeclineReason.EXPIRED).toList();

  private final StoreQueries stores;
  private final EventPublisher publisher;
  private final Decisions decisions;
  private final Identities identities;
  private final ReferenceTable<ServiceListed> directory;

  OfferService(StoreQueries stores, EventPublisher publisher, Decisions decisions, Identities identities,
      ReferenceTable<ServiceListed> directory) {
    this.stores = stores;
    this.publisher = publisher;
    this.decisions = decisions;
    this.identities = identities;
    this.directory = directory;
  }

  /** One page of a provider's queue, oldest offer first, and the cursor of the page after (null at the end). */
  public record QueuePage(List<OfferView> offers, String next) {}

  /** A page of the queue's API, when no {@code ?limit=} is given. */
  public static final int QUEUE_PAGE = 100;

  /**
   * One page of the provider's offers, oldest first: all of them, read from the provider's list
   * ({@link ProviderOffers#VIEW}), or those in one status, read from its list of that status
   * ({@link ProviderOffers#BY_STATUS}); on the instance that holds them. Either way the page costs its size.
   */
  public QueuePage queue(String providerId, String status, PageRequest page) {
    StoreQueries.Page<OfferState> found = status == null
        ? stores.page(ProviderOffers.STORE, providerId, PartyView.prefix(providerId), page.after(), page.limit(), s -> true)
        : ProviderOffers.inStatus(stores, providerId, parseStatus(status), page.after(), page.limit());
    return new QueuePage(found.values().stream().map(this::view).toList(), found.next());
  }

  /**
   * One page of the provider's offers in any of {@code statuses}, newest offer first ({@link ProviderOffers#newestFirst}):
   * the inbox's lists. Only the offers on the page are made views of (a person's identity opened for each).
   */
  public QueuePage newestFirst(String providerId, List<OfferStatus> statuses, String after, int limit) {
    StoreQueries.Page<OfferState> found = newestStates(providerId, statuses, after, limit);
    return new QueuePage(found.values().stream().map(this::view).toList(), found.next());
  }

  /** The provider's offers waiting for an answer: its oldest {@code limit}, oldest first (its queue's first page of them). */
  public List<OfferState> waiting(String providerId, int limit) {
    return ProviderOffers.inStatus(stores, providerId, OfferStatus.OFFERED, null, limit).values();
  }

  /**
   * The provider's {@code limit} most recently changed offers, newest change first, as they are now
   * ({@link ProviderOffers#changedLately}): what its streams resumed from a moment send, of those changed after it.
   */
  public List<OfferState> changedLately(String providerId, int limit) {
    return ProviderOffers.changedLately(stores, providerId, limit);
  }

  /** {@link #newestFirst} as the states are kept. */
  public StoreQueries.Page<OfferState> newestStates(String providerId, List<OfferStatus> statuses, String after, int limit) {
    return ProviderOffers.newestFirst(ProviderOffers.NewestFirst.of(stores, providerId), providerId, statuses, after, limit);
  }

  /** The provider's own offer of a referral, read by the referral's id; empty when it is not offered to the provider. */
  public Optional<OfferView> offer(String providerId, String referralId) {
    return stores.<OfferState>get(OfferProcessor.STORE, referralId)
        .filter(s -> s.getOffer().getProviderId().equals(providerId))
        .map(this::view);
  }

  /**
   * Why the provider's offer of a referral is gone: it ended and was archived ({@link ArchivedOffer}), said in words;
   * empty when there is no such note of the provider's (another provider's offer is not found, as if never made). Read
   * by the referral's id, on the instance that owns it.
   */
  public Optional<String> archived(String providerId, String referralId) {
    return ArchivedOffer.of(stores, referralId).filter(archived -> archived.providerId().equals(providerId))
        .map(archived -> archived.explained(referralId));
  }

  public Mono<OfferView> accept(String providerId, String referralId, AcceptRequest body, String idempotencyKey) {
    text(body == null ? null : body.note(), "note", MAX_NOTE, true);
    List<Measure> baseline = baseline(body == null ? null : body.measures());
    String note = body == null ? null : body.note();
    return send(providerId, referralId, new Keyed(idempotencyKey, "accept", body), offer -> offer.getSealedPatient() == null
        ? new AcceptReferral(note, baseline, null) : new AcceptReferral(null, baseline, identities.sealText(offer.getSealedPatient(), note)));
  }

  public Mono<OfferView> decline(String providerId, String referralId, DeclineRequest body, String idempotencyKey) {
    DeclineReason reason = body == null || body.reason() == null ? null
        : PROVIDER_DECLINE_REASONS.stream().filter(r -> r.name().equals(body.reason())).findFirst().orElse(null);
    if (reason == null) {
      throw new ProblemException.Invalid(List.of(new FieldProblem("reason", "is required, one of " + PROVIDER_DECLINE_REASONS)));
    }
    text(body.note(), "note", MAX_NOTE, true);
    return send(providerId, referralId, new Keyed(idempotencyKey, "decline", body), offer -> offer.getSealedPatient() == null
        ? new DeclineReferral(reason, body.note(), null) : new DeclineReferral(reason, null, identities.sealText(offer.getSealedPatient(), body.note())));
  }

  public Mono<OfferView> session(String providerId, String referralId, SessionRequest body, String idempotencyKey) {
    LocalDate attendedOn;
    try {
      attendedOn = LocalDate.parse(body == null || body.attendedOn() == null ? "" : body.attendedOn());
    } catch (DateTimeParseException e) {
      throw new ProblemException.Invalid(List.of(new FieldProblem("attendedOn", "is required, a date in the form YYYY-MM-DD")));
    }
    if (attendedOn.isAfter(LocalDate.now())) {
      throw new ProblemException.Invalid(List.of(new FieldProblem("attendedOn", "is in the future")));
    }
    if (attendedOn.isBefore(EARLIEST)) {
      throw new ProblemException.Invalid(List.of(new FieldProblem("attendedOn", "is before " + EARLIEST)));
    }
    List<Measure> baseline = baseline(body.measures());
    return send(providerId, referralId, new Keyed(idempotencyKey, "session", body), new RecordSession(attendedOn, body.attended() == null || body.attended(), baseline));
  }

  public Mono<OfferView> complete(String providerId, String referralId, CompleteRequest body, String idempotencyKey) {
    List<FieldProblem> problems = new ArrayList<>();
    Completion completion = body == null ? null : Codes.named(Completion.class, body.completion());
    if (completion == null) problems.add(new FieldProblem("completion", "is required: COMPLETED or DROPPED_OUT"));
    List<Measures.Answers> measures = body == null || body.measures() == null ? List.of() : body.measures();
    problems.addAll(Measures.validate(measures));
    if (!problems.isEmpty()) throw new ProblemException.Invalid(problems);
    return send(providerId, referralId, new Keyed(idempotencyKey, "complete", body), new CompleteReferral(completion, measures.stream().map(Measures::score).toList()));
  }

  /** Hours the person gave back (volunteering, co-production): 1 hour earns 1 Time Credit. */
  Mono<OfferView> timeCredits(String providerId, String referralId, TimeCreditsRequest body, String idempotencyKey) {
    List<FieldProblem> problems = new ArrayList<>();
    LocalDate givenOn = null;
    try {
      givenOn = LocalDate.parse(body == null || body.givenOn() == null ? "" : body.givenOn());
      if (givenOn.isAfter(LocalDate.now())) problems.add(new FieldProblem("givenOn", "is in the future"));
      else if (givenOn.isBefore(EARLIEST)) problems.add(new FieldProblem("givenOn", "is before " + EARLIEST));
    } catch (DateTimeParseException e) {
      problems.add(new FieldProblem("givenOn", "is required, a date in the form YYYY-MM-DD"));
    }
    java.math.BigDecimal hours = body == null ? null : body.hours();
    if (hours == null || hours.signum() <= 0 || hours.compareTo(java.math.BigDecimal.valueOf(24)) > 0) {
      problems.add(new FieldProblem("hours", "is required: more than 0 and at most 24 in a day"));
    } else if (hours.stripTrailingZeros().scale() > 2) {
      problems.add(new FieldProblem("hours", "has more than 2 decimal places"));
    }
    if (body != null && body.activity() != null) {
      try {
        text(body.activity(), "activity", MAX_ACTIVITY, false);
      } catch (ProblemException.Invalid invalid) {
        problems.addAll(invalid.errors());
      }
    }
    if (!problems.isEmpty()) throw new ProblemException.Invalid(problems);
    return send(providerId, referralId, new Keyed(idempotencyKey, "time-credits", body), new RecordTimeCredits(givenOn, hours.setScale(2), body.activity()));
  }

  /**
   * A link worker service prescribes a community service from a referral it accepted: a new referral for the needs
   * named, to the service chosen (only it is asked for a place) or, without one, to the one routing finds best. The
   * chosen service must be a community service taking referrals, meeting one of the needs and listed for the
   * referral's commissioner (read by key); whether the offer is a link worker service's, and accepted, is the offer's
   * decider's to say (409 otherwise). An Idempotency-Key is required: a prescription sent again is the same one.
   */
  Mono<OfferView> prescribe(String providerId, String referralId, PrescriptionRequest body, String idempotencyKey) {
    List<FieldProblem> problems = new ArrayList<>();
    List<String> needs = body == null ? null : body.needs();
    if (needs == null || needs.isEmpty()) {
      problems.add(new FieldProblem("needs", "must name at least one need the community service is to meet"));
    } else if (needs.size() > NeedCode.values().length) {
      problems.add(new FieldProblem("needs", "lists " + needs.size() + " needs: there are " + (NeedCode.values().length - 1)));
    } else {
      for (int i = 0; i < needs.size(); i++) {
        if (!DirectoryCodes.isNeed(needs.get(i)) || NeedCode.UNKNOWN.name().equals(needs.get(i))) {
          problems.add(new FieldProblem("needs[" + i + "]", "is not a known need code"));
        }
      }
    }
    String serviceId = body == null ? null : body.serviceId();
    Optional<ServiceListed> chosen = Optional.empty();
    if (serviceId != null) {
      if (!DirectoryCodes.ID.matcher(serviceId).matches()) {
        problems.add(new FieldProblem("serviceId", "is not a service id (" + DirectoryCodes.ID_RULE + ")"));
      } else {
        chosen = directory.get(serviceId);
        if (chosen.isEmpty()) {
          problems.add(new FieldProblem("serviceId", "names no service in the directory"));
        } else if (chosen.get().getKind() != ServiceKind.COMMUNITY) {
          problems.add(new FieldProblem("serviceId", "is a link worker service: a prescription is to a community service"));
        } else if (chosen.get().getStatus() != ServiceStatus.ACTIVE || chosen.get().getIntakePaused()) {
          problems.add(new FieldProblem("serviceId", "takes no referrals now (" + (chosen.get().getIntakePaused()
              ? "intake paused" : chosen.get().getStatus()) + ")"));
        } else if (needs != null && chosen.get().getNeeds().stream().map(Enum::name).noneMatch(needs::contains)) {
          problems.add(new FieldProblem("serviceId", "meets none of the needs named"));
        }
      }
    }
    if (idempotencyKey == null) {
      // a prescription is a new referral: resent after a timeout without a key, it would be a second one
      problems.add(new FieldProblem(IdempotencyKeys.HEADER, "is required for a prescription, so that a resend is the same"
          + " prescription (a UUID made for it will do)"));
    }
    if (!problems.isEmpty()) throw new ProblemException.Invalid(problems);
    List<NeedCode> asked = needs.stream().distinct().map(NeedCode::valueOf).toList();
    Optional<ServiceListed> listing = chosen;
    return send(providerId, referralId, new Keyed(idempotencyKey, "prescriptions", body), offer -> {
      // whose referral it is says nothing to a provider it was not offered to: its decider refuses that provider
      if (listing.isPresent() && offer.getProviderId().equals(providerId)
          && !listing.get().getCommissioners().contains(offer.getCommissioner())) {
        throw new ProblemException.Invalid(List.of(new FieldProblem("serviceId", "is not listed for "
            + offer.getCommissioner() + ", the commissioner of this referral")));
      }
      return new PrescribeService(asked, serviceId);
    });
  }

  /** Free text: at most {@code max} characters and no control characters (line breaks and tabs where {@code lines}). */
  private static void text(String value, String field, int max, boolean lines) {
    if (value == null) return;
    String reason = FreeText.problem(value, max, lines);
    if (reason != null) throw new ProblemException.Invalid(List.of(new FieldProblem(field, reason)));
  }

  /** Measures given before completion must be baselines. */
  private static List<Measure> baseline(List<Measures.Answers> answers) {
    if (answers == null || answers.isEmpty()) return List.of();
    List<FieldProblem> problems = new ArrayList<>(Measures.validate(answers));
    for (int i = 0; i < answers.size(); i++) {
      if (answers.get(i) != null && !"BASELINE".equals(answers.get(i).stage())) {
        problems.add(new FieldProblem("measures[" + i + "].stage", "must be BASELINE before completion; follow-ups come with the completion"));
      }
    }
    if (!problems.isEmpty()) throw new ProblemException.Invalid(problems);
    return answers.stream().map(Measures::score).toList();
  }

  /**
   * The Idempotency-Key a command came with (null without one), the action and the request as sent: a resend
   * with the key is the same command (the same id), and the digest tells it from another request under the key.
   */
  private record Keyed(String key, String action, Object request) {}

  private Mono<OfferView> send(String providerId, String referralId, Keyed keyed, Object command) {
    return send(providerId, referralId, keyed, offer -> command);
  }

  /**
   * A command made from the offer it is about: a note in the provider's words is sealed with the data key
   * of the person the offer is for, as their identity is (in clear only for offers from before that).
   */
  private Mono<OfferView> send(String providerId, String referralId, Keyed keyed,
      java.util.function.Function<ReferralOffered, Object> command) {
    String key = IdempotencyKeys.checked(keyed.key());
    OfferState state = stores.<OfferState>get(OfferProcessor.STORE, referralId).orElseThrow(() -> archived(providerId, referralId)
        .<ProblemException>map(ProblemException.Gone::new)
        .orElseGet(() -> new ProblemException.NotFound("no referral " + referralId + " has been offered")));
    EventMetadata metadata = Events.metadata(ProviderServiceApplication.NAME, state.getReferralId(), null);
    if (key != null) {
      metadata = EventMetadata.newBuilder(metadata)
          .setEventId(IdempotencyKeys.commandId(key, ProviderServiceApplication.NAME, providerId, referralId)).build();
    }
    ProviderCommand message = ProviderCommand.newBuilder()
        .setMetadata(metadata)
        .setProviderId(providerId)
        .setCommand(command.apply(state.getOffer()))
        .setRequestDigest(key == null ? null : IdempotencyKeys.digest(keyed.action(), keyed.request()))
        .build();
    return decisions.send(publisher, Topics.PROVIDER_COMMANDS, referralId, message, message.getMetadata().getEventId(),
            OfferState.class)
        .map(this::view);
  }

  private static OfferStatus parseStatus(String status) {
    return java.util.Optional.ofNullable(Codes.named(OfferStatus.class, status)).orElseThrow(() -> new ProblemException.Invalid(List.of(new FieldProblem("status",
            "must be one of OFFERED, ACCEPTING, ACCEPTED, DECLINED, COMPLETED, CANCELLED"))));
  }

  /**
   * The offer as its provider sees it. Once the offer has ended without its acceptance (declined by
   * the provider or the person, expired, cancelled, withdrawn), the provider is no longer involved: it
   * sees the reference, the dates and its decision, never again the person (null), the referrer's
   * notes or the needs.
   */
  public OfferView view(OfferState s) {
    ReferralOffered o = s.getOffer();
    if (OfferLifecycle.endedWithoutAcceptance(s)) {
      return new OfferView(s.getReferralId(), s.getStatus().name(), OfferLifecycle.taskStatus(s.getStatus()),
          o.getProviderId(), o.getServiceId(), o.getAttempt(), s.getOfferedAt(), List.of(), List.of(), null,
          s.getSessionsAttended(), null, null, s.getSessionsMissed(), List.of(), o.getServiceKind().name(), List.of());
    }
    PersonView person = (o.getPatient() != null ? Optional.of(o.getPatient()) : identities.open(o.getSealedPatient()))
        .map(p -> new PersonView(p.getNhsNumber(), p.getGivenName(), p.getFamilyName(), p.getBirthDate(), p.getPostcode(),
            p.getPhone(), p.getEmail(), false))
        .orElse(new PersonView(null, null, null, null, null, null, null, true));
    return new OfferView(s.getReferralId(), s.getStatus().name(), OfferLifecycle.taskStatus(s.getStatus()),
        o.getProviderId(), o.getServiceId(), o.getAttempt(), s.getOfferedAt(),
        o.getNeeds().stream().map(Enum::name).toList(), o.getNeedsMet().stream().map(Enum::name).toList(),
        o.getNotes() != null ? o.getNotes() : identities.openText(o.getSealedNotes()).orElse(null), s.getSessionsAttended(),
        person, s.getStatus() == OfferStatus.OFFERED ? s.getRespondBy() : null, s.getSessionsMissed(),
        s.getBaseline().stream().map(m -> m.getInstrument().name()).distinct().toList(), o.getServiceKind().name(),
        s.getPrescriptions());
  }
}
