//! Bytes in as a stream of blocks: stdin and compressed inputs, read and decompressed on a thread
//! of their own, in bounded memory. (Being written; see issue 10.)
