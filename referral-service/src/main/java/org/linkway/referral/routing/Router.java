package org.linkway.referral.routing;

import java.time.LocalDate;
import java.time.Period;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import org.linkway.events.NeedCode;
import org.linkway.events.ReferralSubmitted;
import org.linkway.events.ServiceKind;
import org.linkway.events.ServiceListed;
import org.linkway.events.ServiceStatus;
import org.linkway.platform.domain.Postcodes;

/**
 * Chooses the service to offer a referral to.
 *
 * <p>First, to whom: a referral from a GP practice that a link worker service of its commissioner covers, open to the
 * person (active, intake not paused, their area and age), goes to that link worker service (or one of them), whatever
 * its needs, unless the referrer asks for a direct prescription; otherwise, and always where no such link worker
 * service covers the practice, it goes straight to a community service. A
 * link worker service is never given a direct prescription, nor a community service a referral for the link worker.
 * A link worker's prescription (a direct prescription made from the person's episode) to the service it chose is
 * offered to that service or to none.
 *
 * <p>A service is suitable when it is active, not paused, lists places, is commissioned by the referral's ICB,
 * covers the person's postcode district, takes people of their age, meets at least one of their needs, and has
 * not been tried for this referral. Whether it has a free place is its own place decider's to say (see
 * {@code org.linkway.referral.places}); the load table every instance reads lags that decider by a commit, so a
 * service the table shows full (open offers and accepted referrals at its places) is not left out, it comes after
 * every service shown with a free place. Then services whose place would be paid for come first (a grant, or a contract whose most per
 * referral fits what is free of the commissioner's budget), then services without a contract, and
 * last those whose contract the budget can no longer cover, since their acceptance would be refused.
 * Then the person's preferred service comes first when suitable. Among the rest the choice is
 * fair: the lowest load relative to places ((open offers + accepted) / places) wins, so a small
 * group with two places gets its share and no large provider takes everything; then the most
 * needs met; then the service id, so that routing is repeatable.
 */
public final class Router {

  /** The service chosen, the needs it meets, and why, in words, for the offer and the history. */
  public record Choice(ServiceListed service, List<NeedCode> needsMet, String reason) {}

  private Router() {}

  public static Optional<Choice> choose(ReferralSubmitted referral, Collection<ServiceListed> directory,
      Collection<String> tried, Function<String, Load> load, LocalDate today) {
    return choose(referral, directory, tried, load, FundingRoom.UNKNOWN, today);
  }

  /** The best suitable service, if any: the first of {@link #ranked}. */
  public static Optional<Choice> choose(ReferralSubmitted referral, Collection<ServiceListed> directory,
      Collection<String> tried, Function<String, Load> load, FundingRoom funding, LocalDate today) {
    return ranked(referral, directory, tried, load, funding, today).stream().findFirst();
  }

  /**
   * Every suitable service, best first. The load is as every instance last read it: a service it shows full comes
   * after those it shows with a free place, since a place freed a moment ago may not show yet; whether a place is
   * free is decided by the service's place decider, which passes a request on down this list when it has none.
   */
  public static List<Choice> ranked(ReferralSubmitted referral, Collection<ServiceListed> directory,
      Collection<String> tried, Function<String, Load> load, FundingRoom funding, LocalDate today) {
    Person person = Person.of(referral, today);
    // open to this person: active, taking referrals, the referral's commissioner's, their area, their age
    Predicate<ServiceListed> takesThem = service -> service.getStatus() == ServiceStatus.ACTIVE
        && !service.getIntakePaused() && service.getCapacity() > 0
        && service.getCommissioners().contains(referral.getCommissioner())
        && (service.getPostcodeDistricts().isEmpty() || service.getPostcodeDistricts().contains(person.district()))
        && (service.getMinAge() == null || person.age() >= service.getMinAge())
        && (service.getMaxAge() == null || person.age() <= service.getMaxAge());
    // one that has been tried still covers the practice: after its decline the referral goes to the next, or unplaced
    ServiceKind kind = !referral.getDirectPrescription()
        && directory.stream().anyMatch(service -> coversPractice(service, referral) && takesThem.test(service))
        ? ServiceKind.LINK_WORKER : ServiceKind.COMMUNITY;
    record Candidate(ServiceListed service, List<NeedCode> needsMet, Load count, double load, FundingRoom.Room room) {}
    return directory.stream()
        .filter(service -> service.getKind() == kind && (kind == ServiceKind.COMMUNITY || coversPractice(service, referral)))
        .filter(takesThem)
        .filter(service -> !tried.contains(service.getServiceId()))
        // a link worker's prescription to the service it chose: that one, or none
        .filter(service -> referral.getPrescribedServiceId() == null
            || referral.getPrescribedServiceId().equals(service.getServiceId()))
        .map(service -> {
          Load count = load.apply(service.getServiceId());
          double relative = service.getCapacity() <= 0 ? Double.MAX_VALUE : (double) count.total() / service.getCapacity();
          return new Candidate(service, needsMet(referral, service), count, relative,
              funding.of(referral.getCommissioner(), service, today));
        })
        .filter(c -> !c.needsMet().isEmpty() && c.service().getCapacity() > 0)
        .sorted(Comparator
            .comparing((Candidate c) -> c.count().total() >= c.service().getCapacity())
            .thenComparing(Candidate::room)
            .thenComparing((Candidate c) -> !c.service().getServiceId().equals(referral.getPreferredServiceId()))
            .thenComparingDouble(Candidate::load)
            .thenComparing(c -> -c.needsMet().size())
            .thenComparing(c -> c.service().getServiceId()))
        .map(c -> choice(referral, c.service(), c.count(), c.room(), person))
        .toList();
  }

  /** Why a service was given the referral, with the load its place decider counted when it took the place. */
  public static Choice granted(ReferralSubmitted referral, ServiceListed service, Load load, FundingRoom funding,
      LocalDate today) {
    return choice(referral, service, load, funding.of(referral.getCommissioner(), service, today), Person.of(referral, today));
  }

  /** Whether the service is a link worker service of the referral's commissioner covering the referring practice. */
  private static boolean coversPractice(ServiceListed service, ReferralSubmitted referral) {
    return service.getKind() == ServiceKind.LINK_WORKER && service.getCommissioners().contains(referral.getCommissioner())
        && service.getPractices().contains(referral.getReferrer().getOdsCode());
  }

  /** What routing needs of the person: since identities are sealed, a referral carries these in clear; older ones the person. */
  private record Person(String district, int age) {
    static Person of(ReferralSubmitted referral, LocalDate today) {
      return new Person(referral.getPostcodeDistrict() != null ? referral.getPostcodeDistrict()
          : Postcodes.district(referral.getPatient().getPostcode()),
          referral.getAgeWhenReferred() != null ? referral.getAgeWhenReferred()
              : Period.between(referral.getPatient().getBirthDate(), today).getYears());
    }
  }

  private static Choice choice(ReferralSubmitted referral, ServiceListed service, Load count, FundingRoom.Room room,
      Person person) {
    List<NeedCode> needsMet = needsMet(referral, service);
    boolean preferred = service.getServiceId().equals(referral.getPreferredServiceId());
    return new Choice(service, needsMet, reason(service, needsMet, count, person.district(), preferred) + "; " + room.words());
  }

  private static String reason(ServiceListed service, List<NeedCode> needsMet, Load count,
      String district, boolean preferred) {
    String distance = service.getKind() == ServiceKind.LINK_WORKER
        ? "the link worker service covering the referring practice"
        : service.getPostcodeDistricts().isEmpty()
        ? "serves the whole " + String.join("/", service.getCommissioners()) + " area"
        : "covers " + district;
    return (preferred ? "the person's preferred service; " : "")
        + "meets " + needsMet.stream().map(Enum::name).toList()
        + "; " + distance
        + "; load " + count.total() + " of " + service.getCapacity() + " places ("
        + count.openOffers() + " offers waiting, " + count.accepted() + " accepted)";
  }

  /** The needs the service meets: a link worker service takes them all, to find the community services that meet them. */
  private static List<NeedCode> needsMet(ReferralSubmitted referral, ServiceListed service) {
    if (service.getKind() == ServiceKind.LINK_WORKER) return List.copyOf(referral.getNeeds());
    return referral.getNeeds().stream().filter(service.getNeeds()::contains).toList();
  }
}
