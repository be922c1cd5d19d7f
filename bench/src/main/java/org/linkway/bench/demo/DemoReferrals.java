package org.linkway.bench.demo;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.linkway.bench.Journey;
import org.linkway.platform.people.NhsNumber;

/**
 * The demo history's referrals: about 60 for QMM from its practices, invented Norfolk people with
 * valid NHS numbers, and what their providers do with them, the same on every fresh {@code .linkway/}
 * (a fixed seed). Plans: about 1 in 10 declined by the provider (re-routed: the new offer is left
 * waiting), 5 accepted and left in progress after two sessions, the rest accepted, four sessions and
 * completed with a follow-up.
 */
final class DemoReferrals {

  static final int COUNT = 60;
  static final String COMMISSIONER = "QMM";
  private static final long SEED = 20261122L;
  static final List<String> PRACTICES = List.of("D82044", "D82044", "D82001", "D82015", "D82027");
  private static final List<String> POSTCODES = List.of("NR1 3SR", "NR1 1EW", "NR1 2DH", "NR2 4AB", "NR2 2PT", "NR3 1JU",
      "NR3 4QT", "NR4 7TJ", "NR5 9AP", "NR6 5DS", "NR7 8LN");
  /** Weighted: LONELINESS in about half the referrals, so that its provider/need/month cells pass 5. */
  private static final List<List<String>> NEEDS = List.of(List.of("LONELINESS"), List.of("LONELINESS"), List.of("LONELINESS"),
      List.of("LONELINESS"), List.of("LONELINESS"), List.of("LONELINESS", "MENTAL_WELLBEING"),
      List.of("LONELINESS", "PHYSICAL_ACTIVITY"), List.of("MENTAL_WELLBEING"), List.of("MENTAL_WELLBEING"),
      List.of("PHYSICAL_ACTIVITY", "NATURE"), List.of("NATURE"), List.of("MONEY_AND_DEBT"), List.of("MONEY_AND_DEBT", "HOUSING"),
      List.of("ARTS_AND_CULTURE", "MENTAL_WELLBEING"));
  private static final List<String> GIVEN = List.of("Margaret", "Peter", "Susan", "David", "Joan", "Brian", "Patricia", "Keith",
      "Linda", "Graham", "Janet", "Colin", "Sandra", "Derek", "Maureen", "Trevor", "Carol", "Stephen", "Hazel", "Ian", "Wendy",
      "Neil", "Ruth", "Martin", "Priya", "Tomasz", "Amina", "Kwame");
  private static final List<String> FAMILY = List.of("Barker", "Howes", "Gedge", "Thrower", "Bunn", "Loades", "Eastaugh", "Pegg",
      "Cushion", "Bloomfield", "Youngs", "Spurgeon", "Tuck", "Chapman", "Mayes", "Larter", "Harrold", "Riches", "Seago",
      "Bunting", "Utting", "Goffin", "Kowalski", "Okafor", "Rahman", "Mensah");
  /** SWEMWBS follow-ups against the baseline 2,2,3,2,2,3,2: most improve meaningfully, some barely, some not. */
  private static final List<String> FOLLOW_UPS = List.of("3,4,3,4,3,4,3", "3,3,3,3,3,3,3", "2,3,3,2,3,3,2", "2,2,3,2,2,3,2",
      "4,4,4,3,4,4,4", "2,2,3,2,3,3,2", "3,3,3,2,2,3,2", "2,2,2,2,2,3,2", "3,4,4,3,3,4,3", "2,3,2,2,2,3,2");
  /** Sessions 12, 9, 6 and 3 days before today; a referral left in progress has the first two. */
  private static final List<Integer> SESSION_DAYS_AGO = List.of(12, 9, 6, 3);

  private DemoReferrals() {}

  /** The history's referrals, the same for the same day. */
  static List<Journey.Referral> all(LocalDate today) {
    Random random = new Random(SEED);
    List<Journey.Referral> all = new ArrayList<>();
    for (int i = 0; i < COUNT; i++) all.add(referral(i, random, today));
    return all;
  }

  private static Journey.Referral referral(int i, Random random, LocalDate today) {
    String nhsNumber = nhsNumber(i, random);
    List<String> needs = pick(NEEDS, random);
    String birthDate = LocalDate.of(1940 + random.nextInt(61), 1 + random.nextInt(12), 1 + random.nextInt(28)).toString();
    String practice = pick(PRACTICES, random);
    String body = "{\"patient\":{\"nhsNumber\":\"" + nhsNumber + "\",\"givenName\":\"" + pick(GIVEN, random)
        + "\",\"familyName\":\"" + pick(FAMILY, random) + "\",\"birthDate\":\"" + birthDate + "\",\"postcode\":\""
        + pick(POSTCODES, random) + "\"},\"consent\":true,\"referrer\":{\"odsCode\":\"" + practice + "\"},\"commissioner\":\""
        + COMMISSIONER + "\",\"needs\":[\"" + String.join("\",\"", needs) + "\"]}";
    String followUp = "{\"instrument\":\"SWEMWBS\",\"stage\":\"FOLLOW_UP\",\"answers\":[" + pick(FOLLOW_UPS, random) + "]}";
    return new Journey.Referral("linkway-demo-history-" + i, practice, body, plan(i, followUp, today));
  }

  static Journey.Plan plan(int i, String followUp, LocalDate today) {
    List<LocalDate> sessions = SESSION_DAYS_AGO.stream().map(today::minusDays).toList();
    if (i % 10 == 4) return new Journey.Plan(true, false, List.of(), null);
    if (i % 12 == 7) return new Journey.Plan(false, true, sessions.subList(0, 2), null);
    return new Journey.Plan(false, true, sessions, followUp);
  }

  /** A valid NHS number, unique for the index (its last three digits before the check digit). */
  static String nhsNumber(int i, Random random) {
    while (true) {
      String digits = String.format("94%04d%03d", random.nextInt(10_000), i);
      int check = NhsNumber.checkDigit(digits);
      if (check >= 0) return digits + check;
    }
  }

  private static <T> T pick(List<T> from, Random random) {
    return from.get(random.nextInt(from.size()));
  }
}
