//! Page headers checked before polars decodes a Parquet file. A corrupt data page header can
//! carry a negative value count, which polars reads as a huge `usize` and reserves memory for:
//! the allocation fails and aborts the process, which no error handling can catch (found by
//! the fuzz test of corrupted Parquet bytes). So no data page may count more values than its
//! column chunk, and no chunk a negative number, before polars sees the file.

use std::io::Cursor;

use polars_buffer::Buffer;
use polars_parquet::parquet::page::CompressedPage;
use polars_parquet::parquet::read::{get_page_iterator, read_metadata};

/// What is wrong with the first page or chunk that fails, in words for the file's error.
pub fn check(buffer: &Buffer<u8>) -> Result<(), String> {
    let meta = read_metadata(&mut Cursor::new(&buffer[..])).map_err(|e| e.to_string())?;
    let len = buffer.len();
    for (g, group) in meta.row_groups.iter().enumerate() {
        for column in group.parquet_columns() {
            let name = column.descriptor().path_in_schema.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(".");
            let chunk = column.num_values();
            let Ok(chunk) = usize::try_from(chunk) else {
                return Err(format!("column {name} of row group {g} counts {chunk} values"));
            };
            // A page is never larger than the file that holds it.
            let pages = get_page_iterator(column, Cursor::new(buffer.clone()), Vec::new(), len)
                .map_err(|e| e.to_string())?;
            for (p, page) in pages.enumerate() {
                if let CompressedPage::Data(page) = page.map_err(|e| e.to_string())? {
                    if page.num_values() > chunk {
                        return Err(format!(
                            "page {p} of column {name} in row group {g} counts more values than its column ({chunk})"
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}
