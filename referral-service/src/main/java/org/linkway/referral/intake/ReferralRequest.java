package org.linkway.referral.intake;

import java.util.List;

/**
 * The body of POST /referrals, as a GP system sends it. Dates are strings so that a bad one gets a named error.
 * {@code directPrescription}: the referrer asks for a community service straight away, not the link worker service
 * that covers its practice (see {@link org.linkway.referral.routing.Router}).
 */
public record ReferralRequest(
    Patient patient,
    Boolean consent,
    Referrer referrer,
    String commissioner,
    List<String> needs,
    String notes,
    String preferredServiceId,
    Boolean directPrescription) {

  /** A community service straight away, rather than the link worker service covering the practice; false if not said. */
  public boolean asksDirectPrescription() {
    return Boolean.TRUE.equals(directPrescription);
  }

  public record Patient(
      String nhsNumber, String givenName, String familyName, String birthDate, String postcode,
      String phone, String email) {}

  public record Referrer(String odsCode, String clinician) {}
}
