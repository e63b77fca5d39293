/**
 * The versioned, verified, atomically published checkpoint store and the Hugging Face GPT-2 importer.
 */
package rlhf.model.store;
