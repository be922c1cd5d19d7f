package org.linkway.referral.intake;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.linkway.platform.testing.FuzzBodies;
import org.linkway.platform.testing.JsonFuzz;
import org.linkway.platform.testing.ServiceCodecs;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

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

  private final ValidatingIntake intake = new ValidatingIntake();
  private final WebTestClient http = ValidatingIntake.clientOf(new ReferralIntakeController(intake.intake()));

  @Property(tries = 400)
  void givenAReferralChangedAtRandom_whenPosted_thenNeverA5xxAndEveryRefusalIsAProblemAndWritesNothing(
      @ForAll("referrals") JsonFuzz.Body body) {
    int before = intake.submitted();

    int status = JsonFuzz.assertAnsweredWell(body, http.post().uri("/referrals")
        .contentType(MediaType.APPLICATION_JSON).bodyValue(body.bytes()).exchange().expectBody().returnResult());

    Statistics.collect(status);

    assertThat(intake.submitted() - before).as("submitted for %s", body).isEqualTo(status == 202 ? 1 : 0);
    assertThat(status).as("a referral is accepted (202) or refused (400, 413): %s", body).isIn(202, 400, 413);
  }

  @Provide
  Arbitrary<JsonFuzz.Body> referrals() {
    return FuzzBodies.from(REFERRAL);
  }
}
