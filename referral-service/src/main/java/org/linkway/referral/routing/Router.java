package org.linkway.referral.routing;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.linkway.events.NeedCode;
import org.linkway.events.ReferralSubmitted;
import org.linkway.events.ServiceListed;
import org.linkway.events.ServiceStatus;
import org.linkway.referral.intake.ReferralValidator;

/**
 * Chooses the service to offer a referral to. A service is suitable when it is active with open
 * places, is commissioned by the referral's commissioner, covers the person's postcode district,
 * meets at least one of their needs, and has not been tried for this referral. The person's
 * preferred service comes first when suitable; then the service meeting most needs; ties are broken
 * by service id so that routing is repeatable.
 */
public final class Router {

  /** The service chosen and the needs it meets. */
  public record Choice(ServiceListed service, List<NeedCode> needsMet) {}

  private Router() {}

  public static Optional<Choice> choose(
      ReferralSubmitted referral, Collection<ServiceListed> directory, Collection<String> tried) {
    String district = ReferralValidator.postcodeDistrict(referral.getPatient().getPostcode());
    return directory.stream()
        .filter(service -> service.getStatus() == ServiceStatus.ACTIVE)
        .filter(service -> service.getCapacity() > 0)
        .filter(service -> service.getCommissioners().contains(referral.getCommissioner()))
        .filter(service -> service.getPostcodeDistricts().isEmpty() || service.getPostcodeDistricts().contains(district))
        .filter(service -> !tried.contains(service.getServiceId()))
        .map(service -> new Choice(service, needsMet(referral, service)))
        .filter(choice -> !choice.needsMet().isEmpty())
        .min(Comparator
            .comparing((Choice c) -> !c.service().getServiceId().equals(referral.getPreferredServiceId()))
            .thenComparing(c -> -c.needsMet().size())
            .thenComparing(c -> c.service().getServiceId()));
  }

  private static List<NeedCode> needsMet(ReferralSubmitted referral, ServiceListed service) {
    return referral.getNeeds().stream().filter(service.getNeeds()::contains).toList();
  }
}
