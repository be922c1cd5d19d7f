package org.linkway.bench;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.linkway.events.Patient;
import org.linkway.events.ReferralRequested;
import org.linkway.events.Referrer;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.people.NhsNumber;

/**
 * The benchmark's invented people and referrals: valid NHS numbers in the 94… range, one lonely
 * person per referral, all for a commissioner code of the run's own and the benchmark's providers,
 * so that a run never mixes with the demo data or an earlier run.
 */
public final class BenchPeople {

  public static final String PRACTICE = "D82044";
  /** The local stack's GP system that refers for {@link #PRACTICE} over Kafka (local-stack/gp-systems.properties). */
  public static final String GP_SYSTEM = "gp-demo";
  static final List<String> NEEDS = List.of("LONELINESS");
  public static final String BASELINE = "{\"instrument\":\"SWEMWBS\",\"stage\":\"BASELINE\",\"answers\":[2,2,3,2,2,3,2]}";
  public static final String FOLLOW_UP = "{\"instrument\":\"SWEMWBS\",\"stage\":\"FOLLOW_UP\",\"answers\":[3,4,3,4,3,4,3]}";

  private BenchPeople() {}

  /** A valid NHS number for index i: 94 and 7 digits, then the check digit (nine digits with none: the next ones are used). */
  static String nhsNumber(long i) {
    for (long n = i * 2; ; n++) {
      String digits = String.format("94%07d", n % 10_000_000L);
      int check = NhsNumber.checkDigit(digits);
      if (check >= 0) return digits + check;
    }
  }

  static LocalDate birthDate(long i) {
    return LocalDate.of(1940, 1, 1).plusDays(i % 20_000);
  }

  /** The referral id referral-service derives from the practice and the request id (ReferralIntake.referralId). */
  public static UUID referralId(String requestId) {
    return UUID.nameUUIDFromBytes(("referral-request/" + PRACTICE + "/" + requestId).getBytes(StandardCharsets.UTF_8));
  }

  /** The same for a request of {@link #GP_SYSTEM} on Kafka (ReferralIntake.kafkaReferralId): its ids are its own. */
  public static UUID kafkaReferralId(String requestId) {
    return UUID.nameUUIDFromBytes(("referral-request/kafka/" + GP_SYSTEM + "/" + PRACTICE + "/" + requestId)
        .getBytes(StandardCharsets.UTF_8));
  }

  public static String httpBody(long i, String commissioner) {
    return "{\"patient\":{\"nhsNumber\":\"" + nhsNumber(i) + "\",\"givenName\":\"Bench\",\"familyName\":\"Person" + i
        + "\",\"birthDate\":\"" + birthDate(i) + "\",\"postcode\":\"NR1 3SR\",\"phone\":\"01603 000000\"},"
        + "\"consent\":true,\"referrer\":{\"odsCode\":\"" + PRACTICE + "\",\"clinician\":\"Dr Bench\"},"
        + "\"commissioner\":\"" + commissioner + "\",\"needs\":[\"LONELINESS\"],\"notes\":\"benchmark\"}";
  }

  static ReferralRequested kafkaRequest(long i, String requestId, String commissioner) {
    return ReferralRequested.newBuilder()
        .setMetadata(Events.metadata("bench-gp-system", null, requestId))
        .setRequestId(requestId)
        .setPatient(new Patient(nhsNumber(i), "Bench", "Person" + i, birthDate(i), "NR1 3SR", "01603 000000", null))
        .setConsent(true)
        .setReferrer(new Referrer(PRACTICE, "Dr Bench"))
        .setCommissioner(commissioner)
        .setNeeds(NEEDS)
        .setNotes("benchmark")
        .build();
  }

  public static String providerId(int p) {
    return "bench-provider-" + p;
  }

  public static String providerBody(int p, String commissioner) {
    String id = providerId(p);
    return "{\"providerId\":\"" + id + "\",\"name\":\"Benchmark provider " + p + "\",\"services\":[{\"serviceId\":\"" + id
        + "-befriending\",\"name\":\"Befriending\",\"needs\":[\"LONELINESS\"],\"commissioners\":[\"" + commissioner
        + "\"],\"capacity\":1000000,\"status\":\"ACTIVE\"}]}";
  }

  /** Engagement 20.00, completion 80.00 after 2 sessions, outcome 50.00 for SWEMWBS +2, at most 150.00. */
  public static String contractBody(int p, LocalDate from, LocalDate to) {
    return "{\"providerId\":\"" + providerId(p) + "\",\"validFrom\":\"" + from + "\",\"validTo\":\"" + to + "\","
        + "\"engagementFee\":20.00,\"completionFee\":80.00,\"completionMinSessions\":2,\"outcomePayment\":50.00,"
        + "\"outcomeInstrument\":\"SWEMWBS\",\"outcomeScore\":\"metric\",\"outcomeThreshold\":2.0,\"perReferralCap\":150.00}";
  }
}
