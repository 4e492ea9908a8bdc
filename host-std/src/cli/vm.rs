//! The [`Engine`] over crescent's VM.
//!
//! Placeholder until the VM's embedding API lands on main: building it reports that the
//! VM is missing, so the command line (options, usage, `-b`) works and nothing pretends
//! to run Lua.

use super::args::Invocation;
use super::driver::Environment;
use super::engine::{ChunkArgs, Engine, Failure};
use super::jit::JitRequest;
use crate::iolib::StdStreams;

/// The VM adapter (not yet connected).
pub struct VmEngine;

impl VmEngine {
    /// Builds the VM for this invocation.
    pub fn new(
        _inv: &Invocation,
        _env: &dyn Environment,
        _streams: StdStreams,
    ) -> Result<VmEngine, String> {
        Err("the Lua VM is not available in this build yet".to_string())
    }
}

impl Engine for VmEngine {
    type Chunk = ();
    type Values = ();
    fn set_args(&mut self, _entries: &[(i64, Vec<u8>)]) {}
    fn load(&mut self, _source: &[u8], _chunkname: &str) -> Result<(), Failure> {
        Ok(())
    }
    fn call(&mut self, _chunk: (), _args: ChunkArgs) -> Result<(), Failure> {
        Ok(())
    }
    fn count(&self, _values: &()) -> usize {
        0
    }
    fn print(&mut self, _values: ()) -> Result<(), Vec<u8>> {
        Ok(())
    }
    fn require(&mut self, _name: &[u8]) -> Result<(), Failure> {
        Ok(())
    }
    fn jit_control(&mut self, _request: &JitRequest) -> Result<(), Failure> {
        Ok(())
    }
    fn jit_status(&mut self) -> Vec<Vec<u8>> {
        vec![b"OFF".to_vec()]
    }
    fn prompt(&mut self, continuation: bool) -> Vec<u8> {
        if continuation {
            b">> ".to_vec()
        } else {
            b"> ".to_vec()
        }
    }
}
