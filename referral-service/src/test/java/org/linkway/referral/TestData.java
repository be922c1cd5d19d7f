package org.linkway.referral;

import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.linkway.events.NeedCode;
import org.linkway.events.Patient;
import org.linkway.events.ReferralEvent;
import org.linkway.events.ReferralSubmitted;
import org.linkway.events.Referrer;
import org.linkway.events.ServiceListed;
import org.linkway.events.ServiceStatus;
import org.linkway.platform.kafka.Events;

/** Directory entries and referrals for unit tests. */
public final class TestData {

  private TestData() {}

  /** An active service of provider {@code prov-<serviceId>}, commissioned by QMM, with 5 places, covering its whole area. */
  public static ServiceListed.Builder service(String serviceId, NeedCode... needs) {
    return ServiceListed.newBuilder()
        .setMetadata(Events.metadata("test", null, null))
        .setServiceId(serviceId)
        .setProviderId("prov-" + serviceId)
        .setProviderName("Provider " + serviceId)
        .setServiceName("Service " + serviceId)
        .setNeeds(List.of(needs))
        .setCommissioners(List.of("QMM"))
        .setPostcodeDistricts(List.of())
        .setCapacity(5)
        .setStatus(ServiceStatus.ACTIVE);
  }

  /** A referral from NR1 3SR, commissioned by QMM, for the given needs. */
  public static ReferralSubmitted.Builder referral(NeedCode... needs) {
    return ReferralSubmitted.newBuilder()
        .setPersonId("p-0123456789abcdef")
        .setPatient(new Patient("9434765919", "Ada", "Lovelace", LocalDate.of(1950, 12, 10), "NR1 3SR", null, null))
        .setConsent(true)
        .setReferrer(new Referrer("D82044", "Dr Jones"))
        .setCommissioner("QMM")
        .setNeeds(List.of(needs))
        .setNotes(null)
        .setPreferredServiceId(null);
  }

  public static ReferralEvent submittedEvent(UUID referralId, ReferralSubmitted submission) {
    return new ReferralEvent(Events.metadata("referral-service", referralId, null), submission);
  }
}
