package org.linkway.provider.offers.api;

import java.util.List;
import org.linkway.platform.security.LiveStreams;
import org.linkway.platform.streams.PartyView;
import org.linkway.platform.web.IdempotencyKeys;
import org.linkway.platform.web.PageRequest;
import org.linkway.platform.web.ProblemException;
import org.linkway.platform.web.ResumableStream;
import org.linkway.provider.offers.api.OfferService.AcceptRequest;
import org.linkway.provider.offers.api.OfferService.CompleteRequest;
import org.linkway.provider.offers.api.OfferService.DeclineRequest;
import org.linkway.provider.offers.api.OfferService.OfferView;
import org.linkway.provider.offers.api.OfferService.SessionRequest;
import org.linkway.provider.offers.api.OfferService.PrescriptionRequest;
import org.linkway.provider.offers.api.OfferService.TimeCreditsRequest;
import org.linkway.provider.offers.stream.OfferFeed;
import org.linkway.state.OfferStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A provider's queue of referrals and what it does with them: accept, decline, record sessions, complete.
 * The rules are {@link OfferService}'; this is their HTTP face, with the live stream of offers. Each command
 * takes an optional {@code Idempotency-Key}: sent again with the same key (after a timeout, a 503, on another
 * instance), it is answered as the first time and nothing is recorded twice; the key reused for another
 * request is a 422.
 */
@RestController
public class ProviderQueueController {

  private final OfferService offers;
  private final OfferFeed feed;
  private final LiveStreams liveStreams;

  ProviderQueueController(OfferService offers, OfferFeed feed, LiveStreams liveStreams) {
    this.offers = offers;
    this.feed = feed;
    this.liveStreams = liveStreams;
  }

  /**
   * One page of the provider's queue, oldest offer first ({@code ?limit=}, {@value OfferService#QUEUE_PAGE} unless
   * given); the page after is linked from the {@code Link} header ({@code rel="next"}, with {@code ?after=}).
   */
  @GetMapping("/providers/{providerId}/referrals")
  List<OfferView> queue(@PathVariable String providerId, @RequestParam(required = false) String status,
      @RequestParam(required = false) String after, @RequestParam(required = false) String limit, ServerWebExchange exchange) {
    PageRequest page = PageRequest.of(after, limit, OfferService.QUEUE_PAGE, PartyView.CURSOR);
    OfferService.QueuePage found = offers.queue(providerId, status, page);
    page.linkNext(exchange.getRequest(), exchange.getResponse(), found.next());
    return found.offers();
  }

  /**
   * How many of the provider's most recently changed offers a stream resumed from a moment (an id with no position, or
   * one too far back) is sent at most, of those changed after it.
   */
  static final int RESUMED_AT_MOST = 100;

  /**
   * The provider's offers as they are made and change status (accepted, declined, expired, cancelled...), once
   * committed, whichever instance holds the referral ({@link OfferFeed}). On connecting with no {@code Last-Event-ID},
   * the offers waiting for an answer come first: its oldest {@value OfferService#QUEUE_PAGE} at most (the first page of
   * {@code ?status=OFFERED}, whose next pages the queue gives). With {@code Last-Event-ID} (on any instance), instead,
   * exactly the provider's changes after that event, read from the changelog from the position its id carries (503
   * while the broker cannot be read); from an id with no position, or one too far back to read from, the offers made
   * or changed after its moment, as they are now, among the provider's {@value #RESUMED_AT_MOST} most recently changed
   * (accepted, declined, expired, cancelled as well as waiting), read by one bounded range of its offers by last change
   * on the instance that holds them (off the event loop; 503 while it moves) ({@link ResumableStream#of}). The stream
   * ends when the caller's token expires, and counts towards its streams.
   */
  @GetMapping(path = "/providers/{providerId}/referrals/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  Flux<ServerSentEvent<OfferView>> stream(@PathVariable String providerId,
      @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
    return liveStreams.ofCaller(ResumableStream.of(feed,
        s -> s.getOffer().getProviderId().equals(providerId),
        s -> s.getStatus() == OfferStatus.OFFERED ? "offer" : s.getStatus().name().toLowerCase(),
        missed -> (lastEventId == null ? offers.waiting(providerId, OfferService.QUEUE_PAGE)
            : offers.changedLately(providerId, RESUMED_AT_MOST)).stream().filter(missed).toList(),
        lastEventId, offers::view));
  }

  /**
   * The provider's offer of one referral as it stands now (its status, sessions attended...), read on the instance that
   * holds it: what a provider's system reads to go on after an answer it lost or a 409. 404 when the referral is not
   * offered to the provider; 410 once its offer ended and was archived, saying when.
   */
  @GetMapping("/providers/{providerId}/referrals/{referralId}")
  OfferView offer(@PathVariable String providerId, @PathVariable String referralId) {
    return offers.offer(providerId, referralId).orElseThrow(() -> offers.archived(providerId, referralId)
        .<ProblemException>map(ProblemException.Gone::new)
        .orElseGet(() -> new ProblemException.NotFound("no referral " + referralId + " is offered to " + providerId)));
  }

  @PostMapping("/providers/{providerId}/referrals/{referralId}/accept")
  public Mono<OfferView> accept(@PathVariable String providerId, @PathVariable String referralId,
      @RequestBody(required = false) AcceptRequest body,
      @RequestHeader(name = IdempotencyKeys.HEADER, required = false) String idempotencyKey) {
    return offers.accept(providerId, referralId, body, idempotencyKey);
  }

  @PostMapping("/providers/{providerId}/referrals/{referralId}/decline")
  Mono<OfferView> decline(@PathVariable String providerId, @PathVariable String referralId, @RequestBody DeclineRequest body,
      @RequestHeader(name = IdempotencyKeys.HEADER, required = false) String idempotencyKey) {
    return offers.decline(providerId, referralId, body, idempotencyKey);
  }

  @PostMapping("/providers/{providerId}/referrals/{referralId}/sessions")
  Mono<OfferView> session(@PathVariable String providerId, @PathVariable String referralId, @RequestBody SessionRequest body,
      @RequestHeader(name = IdempotencyKeys.HEADER, required = false) String idempotencyKey) {
    return offers.session(providerId, referralId, body, idempotencyKey);
  }

  @PostMapping("/providers/{providerId}/referrals/{referralId}/complete")
  Mono<OfferView> complete(@PathVariable String providerId, @PathVariable String referralId, @RequestBody CompleteRequest body,
      @RequestHeader(name = IdempotencyKeys.HEADER, required = false) String idempotencyKey) {
    return offers.complete(providerId, referralId, body, idempotencyKey);
  }

  /** Hours the person gave back (volunteering, co-production): 1 hour earns 1 Time Credit. */
  @PostMapping("/providers/{providerId}/referrals/{referralId}/time-credits")
  Mono<OfferView> timeCredits(@PathVariable String providerId, @PathVariable String referralId,
      @RequestBody TimeCreditsRequest body,
      @RequestHeader(name = IdempotencyKeys.HEADER, required = false) String idempotencyKey) {
    return offers.timeCredits(providerId, referralId, body, idempotencyKey);
  }

  /**
   * A link worker service prescribes a community service from a referral it accepted: the answer is its offer, whose
   * {@code prescriptions} end with the new referral's id ({@link OfferService#prescribe}).
   */
  @PostMapping("/providers/{providerId}/referrals/{referralId}/prescriptions")
  Mono<OfferView> prescribe(@PathVariable String providerId, @PathVariable String referralId,
      @RequestBody PrescriptionRequest body,
      @RequestHeader(name = IdempotencyKeys.HEADER, required = false) String idempotencyKey) {
    return offers.prescribe(providerId, referralId, body, idempotencyKey);
  }
}
