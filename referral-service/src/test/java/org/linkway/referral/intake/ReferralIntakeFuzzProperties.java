package org.linkway.referral.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.linkway.platform.web.ProblemException;
import org.linkway.platform.web.ProblemHandler;
import org.linkway.platform.security.Role;
import org.linkway.platform.testing.JsonFuzz;
import org.linkway.platform.testing.ServiceCodecs;
import org.linkway.platform.testing.TestCallers;
import org.linkway.platform.testing.FuzzBodies;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;

/**
 * Issue point 10, fuzzed: POST /referrals with a valid referral changed at random (fields replaced
 * by values of every type, empty, huge, control characters, other scripts, injection strings,
 * extreme numbers; fields dropped, added, wrapped in arrays) or not JSON at all. Whatever comes,
 * the answer is never a 5xx, every refusal is problem+json naming its fields, and a refused
 * referral is never submitted. The intake is stubbed to validate as the real one does; the codecs
 * are the services' own ({@link ServiceCodecs}).
 */
class ReferralIntakeFuzzProperties {

  static final String REFERRAL = """
      {"patient": {"nhsNumber": "9434765919", "givenName": "Ada", "familyName": "Lovelace", "birthDate": "1950-12-10",
                   "postcode": "NR1 3SR", "phone": "01603 000000", "email": "ada@example.org"},
       "consent": true, "referrer": {"odsCode": "D82044", "clinician": "Dr Jones"},
       "commissioner": "QMM", "needs": ["LONELINESS", "MENTAL_WELLBEING"], "notes": "lives alone",
       "preferredServiceId": "a-befriending-norwich"}""";

  private final ReferralIntake intake = mock(ReferralIntake.class);
  private final AtomicInteger submitted = new AtomicInteger();
  private final WebTestClient http;

  ReferralIntakeFuzzProperties() {
    when(intake.submit(any(), any(), any(), any())).thenAnswer(call -> {
      List<ProblemException.FieldProblem> problems = ReferralValidator.validate(call.getArgument(0));
      if (!problems.isEmpty()) return Mono.error(new ProblemException.Invalid(problems));
      submitted.incrementAndGet();
      return Mono.just(new ReferralIntake.Received(ReferralIntake.referralId("D82044", null), "SUBMITTED", false));
    });
    http = WebTestClient.bindToController(new ReferralIntakeController(intake))
        .controllerAdvice(new ProblemHandler())
        .httpMessageCodecs(ServiceCodecs.asTheServicesRun())
        .webFilter(TestCallers.as(Role.GP, "D82044"))
        .configureClient().responseTimeout(Duration.ofSeconds(30))
        .build();
  }

  @Property(tries = 400)
  void givenAReferralChangedAtRandom_whenPosted_thenNeverA5xxAndEveryRefusalIsAProblemAndWritesNothing(
      @ForAll("referrals") JsonFuzz.Body body) {
    int before = submitted.get();

    int status = JsonFuzz.assertAnsweredWell(body, http.post().uri("/referrals")
        .contentType(MediaType.APPLICATION_JSON).bodyValue(body.bytes()).exchange().expectBody().returnResult());

    Statistics.collect(status);

    assertThat(submitted.get() - before).as("submitted for %s", body).isEqualTo(status == 202 ? 1 : 0);
    assertThat(status).as("a referral is accepted (202) or refused (400, 413): %s", body).isIn(202, 400, 413);
  }

  @Provide
  Arbitrary<JsonFuzz.Body> referrals() {
    return FuzzBodies.from(REFERRAL);
  }
}
