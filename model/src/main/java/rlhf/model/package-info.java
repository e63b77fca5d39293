/**
 * The shared backbone of policy, reward model and value function: plain Java + DJL, no Quarkus, no transport.
 */
package rlhf.model;
