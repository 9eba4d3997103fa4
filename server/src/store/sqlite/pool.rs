//! A small fixed pool of read-only connections. A caller that finds none idle waits for
//! one; the server's async side never gets that far, since it admits at most as many
//! readers as the pool holds.

use std::ops::{Deref, DerefMut};
use std::sync::{Condvar, Mutex};

use rusqlite::Connection;

pub(crate) struct Pool {
    idle: Mutex<Vec<Connection>>,
    returned: Condvar,
}

/// A connection borrowed from the pool; it goes back when dropped.
pub(crate) struct Pooled<'a> {
    pool: &'a Pool,
    conn: Option<Connection>,
}

impl Pool {
    pub(crate) fn new(conns: Vec<Connection>) -> Self {
        Pool {
            idle: Mutex::new(conns),
            returned: Condvar::new(),
        }
    }

    pub(crate) fn get(&self) -> Pooled<'_> {
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(conn) = idle.pop() {
                return Pooled {
                    pool: self,
                    conn: Some(conn),
                };
            }
            idle = self.returned.wait(idle).unwrap_or_else(|e| e.into_inner());
        }
    }
}

impl Deref for Pooled<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn
            .as_ref()
            .expect("a pooled connection is present until drop")
    }
}

impl DerefMut for Pooled<'_> {
    fn deref_mut(&mut self) -> &mut Connection {
        self.conn
            .as_mut()
            .expect("a pooled connection is present until drop")
    }
}

impl Drop for Pooled<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            self.pool
                .idle
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(conn);
            self.pool.returned.notify_one();
        }
    }
}
