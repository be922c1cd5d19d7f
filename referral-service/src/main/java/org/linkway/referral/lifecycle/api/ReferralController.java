package org.linkway.referral.lifecycle.api;

import java.time.Instant;
import java.util.List;
import org.linkway.platform.security.LiveStreams;
import org.linkway.platform.web.ResumableStream;
import org.linkway.referral.lifecycle.api.ReferralService.CancelRequest;
import org.linkway.referral.lifecycle.api.ReferralService.ReferralView;
import org.linkway.referral.lifecycle.stream.ReferralFeed;
import org.linkway.referral.people.People;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** GET /referrals/{id} (with its summary and audit trail) and POST /referrals/{id}/cancel. */
@RestController
public class ReferralController {

  /** One change to a referral: when, who (from their token, or the platform itself), what happened, the status it moved between. */
  record AuditEntry(Instant at, String actor, String event, String statusBefore, String statusAfter, String detail) {}

  private final ReferralService referrals;
  private final ReferralFeed feed;
  private final People identities;
  private final LiveStreams liveStreams;

  ReferralController(ReferralService referrals, ReferralFeed feed, People identities, LiveStreams liveStreams) {
    this.referrals = referrals;
    this.feed = feed;
    this.identities = identities;
    this.liveStreams = liveStreams;
  }

  @GetMapping("/referrals/{referralId}")
  Mono<ReferralView> get(@PathVariable String referralId) {
    return referrals.get(referralId);
  }

  @PostMapping("/referrals/{referralId}/cancel")
  Mono<ResponseEntity<ReferralView>> cancel(@PathVariable String referralId, @RequestBody(required = false) CancelRequest body) {
    return referrals.cancel(referralId, body).map(after -> ResponseEntity.accepted().body(after));
  }

  /** The message back to the GP and the referrer (after the PRSB social prescribing standard). */
  @GetMapping("/referrals/{referralId}/summary")
  Mono<ReferralSummary.Summary> summary(@PathVariable String referralId) {
    return referrals.summary(referralId);
  }

  /** The referral's audit trail, for the referring practice and the provider holding it. */
  @GetMapping("/referrals/{referralId}/audit")
  Mono<List<AuditEntry>> audit(@PathVariable String referralId) {
    return referrals.readableBy(referralId).map(state -> {
      List<AuditEntry> entries = new java.util.ArrayList<>();
      String before = null;
      for (var h : state.getHistory()) {
        entries.add(new AuditEntry(h.getAt(), h.getActor(), h.getEvent(), before, h.getStatus().name(), identities.detailOf(h)));
        before = h.getStatus().name();
      }
      return entries;
    });
  }

  /**
   * How many of the practice's most recently changed referrals a stream resumed from a moment (an id with no
   * position, or one too far back) is sent at most, of those changed after it.
   */
  static final int RESUMED_AT_MOST = 100;

  /**
   * A GP system follows its practice's referrals live: every step of each, once committed, whichever instance
   * holds the referral ({@link ReferralFeed}), until its token expires. With {@code Last-Event-ID} (on any
   * instance), exactly the practice's steps after that event come first, read from the changelog from the position
   * its id carries (503 while the broker cannot be read); from an id with no position (or a position too far back),
   * the referrals that took a step after its moment, as they are now, among the practice's
   * {@value #RESUMED_AT_MOST} most recently changed (all of those when more changed since: the rest are the practice's
   * list), read by one bounded range on the instance that holds the practice (off the event loop; 503 while it
   * moves) ({@link ResumableStream#of}).
   */
  @GetMapping(path = "/referrers/{odsCode}/referrals/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  Flux<ServerSentEvent<ReferralView>> referrerStream(@PathVariable String odsCode,
      @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
    return liveStreams.ofCaller(ResumableStream.of(feed,
        s -> s.getSubmission().getReferrer().getOdsCode().equals(odsCode),
        s -> s.getStatus().name().toLowerCase(),
        missed -> lastEventId == null ? List.of()
            : referrals.changedLatelyOf(odsCode, RESUMED_AT_MOST).stream().filter(missed).toList(),
        lastEventId, referrals::view));
  }
}
