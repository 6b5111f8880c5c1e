// A typed, live list over a JsonArray: generated message classes expose repeated fields
// as IList<T> (strings, numbers or messages) while the JSON stays the single copy.
using System;
using System.Collections;
using System.Collections.Generic;

namespace Pipebridge.Json
{
    public sealed class JsonArrayView<T> : IList<T>
    {
        readonly JsonArray array;
        readonly Func<object, T> read;
        readonly Func<T, object> write;

        public JsonArrayView(JsonArray array, Func<object, T> read, Func<T, object> write)
        {
            this.array = array;
            this.read = read;
            this.write = write;
        }

        /// <summary>The underlying array.</summary>
        public JsonArray Json { get { return array; } }

        public T this[int index]
        {
            get { return read(array[index]); }
            set { array[index] = write(value); }
        }

        public int Count { get { return array.Count; } }
        public bool IsReadOnly { get { return false; } }
        public void Add(T item) { array.Add(write(item)); }
        public void Clear() { array.Clear(); }
        public bool Contains(T item) { return IndexOf(item) >= 0; }
        public void Insert(int index, T item) { array.Insert(index, write(item)); }
        public void RemoveAt(int index) { array.RemoveAt(index); }

        public int IndexOf(T item)
        {
            var comparer = EqualityComparer<T>.Default;
            for (int i = 0; i < array.Count; i++)
                if (comparer.Equals(read(array[i]), item)) return i;
            return -1;
        }

        public bool Remove(T item)
        {
            int index = IndexOf(item);
            if (index < 0) return false;
            array.RemoveAt(index);
            return true;
        }

        public void CopyTo(T[] target, int offset)
        {
            for (int i = 0; i < array.Count; i++) target[offset + i] = read(array[i]);
        }

        public IEnumerator<T> GetEnumerator()
        {
            for (int i = 0; i < array.Count; i++) yield return read(array[i]);
        }

        IEnumerator IEnumerable.GetEnumerator()
        {
            return GetEnumerator();
        }
    }
}
