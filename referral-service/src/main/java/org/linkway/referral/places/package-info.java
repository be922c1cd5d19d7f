/**
 * Places at services, taken by one decider per service ({@link org.linkway.referral.places.PlaceProcessor}),
 * so that with any number of instances a service is never offered more referrals than it has places,
 * and the load every instance ranks by ({@link org.linkway.referral.places.ServiceLoads}).
 */
package org.linkway.referral.places;
