/**
 * Classes the agent defines in the application's class loader that holds Apache HttpClient 4.5, one copy per
 * such loader. They may refer only to HttpClient 4.5 and HttpCore 4.4, the JDK and
 * {@code io.tokenguard.bootstrap}; the agent checks each referenced library member exists before defining
 * them. Every class here must be listed in {@code Apache4Instrumentation.helperClasses()}.
 */
package io.tokenguard.instrumentation.apache4.helper;
