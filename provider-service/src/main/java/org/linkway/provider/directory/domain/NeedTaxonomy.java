package org.linkway.provider.directory.domain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.linkway.events.NeedCode;

/**
 * Which Linkway need a directory taxonomy term (a CURIE, {@code prefix:code}) meets. Terms are compared
 * without regard to case. A term the table does not know meets no need; it stays on the listing's
 * {@code taxonomy} all the same, and the import reports it as unmapped.
 *
 * <table>
 *   <caption>Taxonomy terms and the needs they meet</caption>
 *   <tr><th>Need</th><th>Terms</th></tr>
 *   <tr><td>LONELINESS</td><td>esdNeed:loneliness, esdNeed:social-isolation, esdNeed:befriending,
 *       esdServiceType:befriending, esdServiceType:social-groups, esdServiceType:mens-sheds</td></tr>
 *   <tr><td>MENTAL_WELLBEING</td><td>esdNeed:mental-health, esdNeed:mental-wellbeing, esdNeed:wellbeing,
 *       esdNeed:bereavement, esdServiceType:counselling, esdServiceType:peer-support,
 *       esdServiceType:bereavement-support</td></tr>
 *   <tr><td>PHYSICAL_ACTIVITY</td><td>esdNeed:physical-activity, esdNeed:exercise,
 *       esdServiceType:walking-groups, esdServiceType:sport, and every {@code openActiveActivity:} term</td></tr>
 *   <tr><td>MONEY_AND_DEBT</td><td>esdNeed:debt, esdNeed:money-advice, esdNeed:benefits-advice,
 *       esdNeed:food-poverty, esdServiceType:debt-advice, esdServiceType:food-bank</td></tr>
 *   <tr><td>HOUSING</td><td>esdNeed:housing, esdNeed:homelessness, esdServiceType:housing-advice</td></tr>
 *   <tr><td>ARTS_AND_CULTURE</td><td>esdNeed:arts, esdNeed:arts-and-culture, esdServiceType:music,
 *       esdServiceType:choirs, and every {@code esdServiceType:arts…} term (arts, arts-on-prescription,
 *       arts-and-crafts…)</td></tr>
 *   <tr><td>NATURE</td><td>esdNeed:nature, esdNeed:green-space, esdServiceType:gardening,
 *       esdServiceType:allotments, esdServiceType:conservation-volunteering</td></tr>
 * </table>
 *
 * <p>{@code snomedCT:} terms are kept but meet no need: SNOMED codes describe findings and procedures, not
 * the kind of community support offered.
 */
public final class NeedTaxonomy {

  private static final Map<String, NeedCode> TERMS = new LinkedHashMap<>();
  /** Prefixes: every term that starts with one meets the need. */
  private static final Map<String, NeedCode> PREFIXES = new LinkedHashMap<>();

  static {
    terms(NeedCode.LONELINESS, "esdNeed:loneliness", "esdNeed:social-isolation", "esdNeed:befriending",
        "esdServiceType:befriending", "esdServiceType:social-groups", "esdServiceType:mens-sheds");
    terms(NeedCode.MENTAL_WELLBEING, "esdNeed:mental-health", "esdNeed:mental-wellbeing", "esdNeed:wellbeing",
        "esdNeed:bereavement", "esdServiceType:counselling", "esdServiceType:peer-support",
        "esdServiceType:bereavement-support");
    terms(NeedCode.PHYSICAL_ACTIVITY, "esdNeed:physical-activity", "esdNeed:exercise",
        "esdServiceType:walking-groups", "esdServiceType:sport");
    terms(NeedCode.MONEY_AND_DEBT, "esdNeed:debt", "esdNeed:money-advice", "esdNeed:benefits-advice",
        "esdNeed:food-poverty", "esdServiceType:debt-advice", "esdServiceType:food-bank");
    terms(NeedCode.HOUSING, "esdNeed:housing", "esdNeed:homelessness", "esdServiceType:housing-advice");
    terms(NeedCode.ARTS_AND_CULTURE, "esdNeed:arts", "esdNeed:arts-and-culture", "esdServiceType:music",
        "esdServiceType:choirs");
    terms(NeedCode.NATURE, "esdNeed:nature", "esdNeed:green-space", "esdServiceType:gardening",
        "esdServiceType:allotments", "esdServiceType:conservation-volunteering");
    PREFIXES.put(key("openActiveActivity:"), NeedCode.PHYSICAL_ACTIVITY);
    PREFIXES.put(key("esdServiceType:arts"), NeedCode.ARTS_AND_CULTURE);
  }

  private NeedTaxonomy() {}

  /** The need the term meets, if the table knows it. */
  public static Optional<NeedCode> need(String curie) {
    if (curie == null) return Optional.empty();
    String key = key(curie.trim());
    NeedCode exact = TERMS.get(key);
    if (exact != null) return Optional.of(exact);
    return PREFIXES.entrySet().stream().filter(p -> key.startsWith(p.getKey())).map(Map.Entry::getValue).findFirst();
  }

  /** Every exact term in the table, for documentation and tests. */
  static List<String> knownTerms() {
    return List.copyOf(TERMS.keySet());
  }

  private static void terms(NeedCode need, String... curies) {
    for (String curie : curies) TERMS.put(key(curie), need);
  }

  private static String key(String curie) {
    return curie.toLowerCase(Locale.ROOT);
  }
}
