//! The native half of the `pia_extract` Python package: the Rust pipeline behind
//! `extract`, `extract_many` and `to_tables` (python/pia_extract/__init__.py wraps these).
//! Records cross as JSON text (the CLI's own serialization), so Python sees exactly the
//! CLI's record; the GIL is released while Rust reads documents.

#[pyo3::pymodule]
mod _native {
    use pia_extract::corpus::{self, Mode};
    use pia_extract::record::Record;
    use pyo3::exceptions::{PyRuntimeError, PyValueError};
    use pyo3::prelude::*;
    use pyo3::types::PyBytes;
    use rayon::prelude::*;
    use std::path::PathBuf;

    fn json(r: &Record) -> String {
        serde_json::to_string(r).expect("a record serializes")
    }

    /// The record of the file at `path` as JSON text (as `pia-extract PATH` prints it).
    #[pyfunction]
    fn extract_path(py: Python<'_>, path: PathBuf) -> String {
        py.detach(|| json(&corpus::process_one(&path, Mode::InProcess)))
    }

    /// The record of `data` (the bytes of one document) as JSON text; `name` is its
    /// `source.file`.
    #[pyfunction]
    fn extract_bytes(py: Python<'_>, data: &[u8], name: &str) -> String {
        let data = data.to_vec();
        py.detach(|| json(&pia_extract::extract(&data, name)))
    }

    /// The records of `paths`, in their order, as JSON texts, read by `jobs` threads (all
    /// cores when `None`) with the GIL released.
    #[pyfunction]
    #[pyo3(signature = (paths, jobs=None))]
    fn extract_paths(py: Python<'_>, paths: Vec<PathBuf>, jobs: Option<usize>) -> PyResult<Vec<String>> {
        if jobs == Some(0) {
            return Err(PyValueError::new_err("jobs must be at least 1"));
        }
        let pool =
            rayon::ThreadPoolBuilder::new().num_threads(jobs.unwrap_or(0)).build().map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
        Ok(py.detach(|| pool.install(|| paths.par_iter().map(|p| json(&corpus::process_one(p, Mode::InProcess))).collect())))
    }

    /// The six Parquet tables (documents, fields, options, diagnostics, record_items,
    /// changes) of records given as JSON texts, as Parquet file bytes in that order.
    #[pyfunction]
    fn tables(py: Python<'_>, records: Vec<String>) -> PyResult<Vec<Py<PyBytes>>> {
        let bufs = py.detach(|| {
            let recs: Vec<Record> =
                records.iter().map(|t| serde_json::from_str(t).map_err(|e| format!("not a record: {e}"))).collect::<Result<_, _>>()?;
            pia_extract::output::parquet::to_buffers(&recs)
        });
        let bufs = bufs.map_err(PyValueError::new_err)?;
        Ok(bufs.iter().map(|b| PyBytes::new(py, b).unbind()).collect())
    }

    /// The names of the tables `tables` returns, in order.
    #[pyfunction]
    fn table_names() -> Vec<&'static str> {
        pia_extract::output::parquet::TABLES.to_vec()
    }

    /// The codebook as JSON text (every field of every form).
    #[pyfunction]
    #[pyo3(signature = (form=None))]
    fn codebook(form: Option<&str>) -> PyResult<String> {
        pia_extract::output::codebook::render(form, "json").map_err(PyValueError::new_err)
    }

    /// The record schema version these records follow.
    #[pymodule_export]
    const SCHEMA_VERSION: &str = pia_extract::record::SCHEMA_VERSION;
}
