package samples

import "io/fs"

// Data exposes the embedded files to the external tests.
func Data() fs.FS { return data }
