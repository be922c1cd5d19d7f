/**
 * The FHIR door of referral intake: {@code POST /fhir/ServiceRequest} reads a FHIR R4
 * ServiceRequest with HAPI FHIR, maps it onto the same {@link org.linkway.referral.intake.ReferralRequest}
 * as {@code POST /referrals}, and answers problems as a FHIR OperationOutcome whose issues name
 * FHIR paths rather than Linkway's JSON field names.
 */
package org.linkway.referral.intake.fhir;
