/**
 * The directory of services, one sub-package a layer: {@code domain} holds the codes of a listing and
 * the one decider of a listing ({@link org.linkway.provider.directory.domain.DirectoryDecider}, pure);
 * {@code stream} runs it on Kafka Streams; {@code api} is the JSON API and the HSDS import;
 * {@code pages} is the provider's and the admin's service pages.
 */
package org.linkway.provider.directory;
