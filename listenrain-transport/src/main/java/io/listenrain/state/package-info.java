/**
 * State machines: the callbacks that receive a call's response (or its timeout, or its failure) by msgID.
 * {@link io.listenrain.state.StateMachinePool} maps msgIDs to waiting calls (the striped primitive map is the fast
 * path); {@link io.listenrain.state.SyncStateMachine} turns a call into a blocking wait.
 */
package io.listenrain.state;
